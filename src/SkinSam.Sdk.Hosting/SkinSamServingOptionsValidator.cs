using Microsoft.Extensions.Options;

namespace SkinSam.Sdk.Hosting;

/// <summary>Checks <see cref="SkinSamServingOptions"/> when the host starts, so an impossible limit stops the service at start-up.</summary>
internal sealed class SkinSamServingOptionsValidator : IValidateOptions<SkinSamServingOptions>
{
    public ValidateOptionsResult Validate(string? name, SkinSamServingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        IReadOnlyList<string> failures = options.Validate();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
