namespace SkinSam.Sdk.Evaluation.Reports;

/// <summary>An 8-bit RGB colour of the report charts.</summary>
/// <param name="R">Red.</param>
/// <param name="G">Green.</param>
/// <param name="B">Blue.</param>
internal readonly record struct PlotColor(byte R, byte G, byte B);
