namespace SkinSam.Cli;

/// <summary>Finds the default model folder: <c>models/skinsam-tiny</c> beside the tool, else under the current folder.</summary>
internal static class ModelLocator
{
    public const string DefaultModelName = "skinsam-tiny";

    public static string DefaultModelFolder()
    {
        string besideTool = Path.Combine(AppContext.BaseDirectory, "models", DefaultModelName);
        if (Directory.Exists(besideTool))
        {
            return besideTool;
        }

        return Path.Combine(Directory.GetCurrentDirectory(), "models", DefaultModelName);
    }
}
