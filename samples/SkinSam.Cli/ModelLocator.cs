using SkinSam.Models;

namespace SkinSam.Cli;

/// <summary>
/// Finds the default model folder: the one the SkinSam.Models.SkinSamTiny package puts beside the tool
/// (<see cref="SkinSamModels.DefaultModelFolder"/>), else <c>models/skinsam-tiny</c> under the current folder.
/// </summary>
internal static class ModelLocator
{
    public const string DefaultModelName = SkinSamModels.DefaultModelName;

    public static string DefaultModelFolder()
    {
        string shipped = SkinSamModels.DefaultModelFolder;
        if (Directory.Exists(shipped))
        {
            return shipped;
        }

        return Path.Combine(Directory.GetCurrentDirectory(), "models", DefaultModelName);
    }
}
