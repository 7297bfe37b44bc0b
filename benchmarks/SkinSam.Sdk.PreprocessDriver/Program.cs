using System.Globalization;
using SkinSam.Sdk.Imaging;
using SkinSam.Sdk.Preprocessing;

// Usage: SkinSam.Sdk.PreprocessDriver [WIDTH HEIGHT CALLS [TARGET]]; default 600 450 20 1024.
// Prints a checksum of the last tensor so a change of output shows, and the calls made.
int width = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 600;
int height = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 450;
int calls = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 20;
int target = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : SamPreprocessor.DefaultTargetSize;

var pixels = new byte[width * height * 3];
uint state = 12345;
for (int i = 0; i < pixels.Length; i++)
{
    // A smooth gradient plus LCG noise: every byte value occurs, neighbours correlate as in a photograph.
    state = (state * 1664525) + 1013904223;
    int x = i / 3 % width;
    int y = i / 3 / width;
    pixels[i] = (byte)(((x * 255 / width) + (y * 255 / height) + (int)(state >> 28)) / 2);
}

var image = new ImageBuffer(pixels, width, height, PixelFormat.Rgb24);
var preprocessor = new SamPreprocessor(target);
var tensor = new float[preprocessor.TensorLength];
for (int c = 0; c < calls; c++)
{
    preprocessor.Preprocess(image, tensor);
}

double sum = 0;
for (int i = 0; i < tensor.Length; i++)
{
    sum += tensor[i] * ((i % 7) + 1);
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{width}x{height} to {target} calls={calls} checksum={sum:R} avx2={System.Runtime.Intrinsics.X86.Avx2.IsSupported} v256={System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated} v512={System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated}"));
