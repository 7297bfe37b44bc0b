using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SkinSam.Sdk.Models;
using SkinSam.Sdk.Prompts;
using Xunit;

namespace SkinSam.Sdk.Hosting.Tests;

/// <summary>AddSkinSam with a SAM 2.1 model folder: validated, loaded through the family factory, used like any model.</summary>
public sealed class SkinSamSam2ModelTests
{
    private static string Sam2Tiny { get; } = Path.Combine(Fixtures.Root, "sam2-tiny");

    [Fact]
    public void Validate_Sam2Folder_Succeeds()
    {
        ValidateOptionsResult result = new SkinSamOptionsValidator().Validate(Options.DefaultName, new SkinSamOptions { ModelPath = Sam2Tiny });
        Assert.True(result.Succeeded, string.Join("; ", result.Failures ?? []));
    }

    [Fact]
    public void AddSkinSam_Sam2Folder_ResolvesTheSam2ModelThatSegments()
    {
        var services = new ServiceCollection();
        services.AddSkinSam(o => o.ModelPath = Sam2Tiny);
        using ServiceProvider provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        provider.GetRequiredService<IStartupValidator>().Validate();
        ISegmentationModel model = provider.GetRequiredService<ISegmentationModel>();

        Assert.Equal("sam2", model.Info.Manifest.Family);
        Assert.Equal("sam2-tiny", model.Info.Name);
        SegmentationResult r = model.Segment(Images.Gray(64, 48), SegmentationPrompt.FromBox(8, 8, 56, 40));
        Assert.Equal((64, 48), (r.Mask.Width, r.Mask.Height));
        Assert.Equal(MaskSelection.DynamicMultimaskViaStability, r.Selection);
    }
}
