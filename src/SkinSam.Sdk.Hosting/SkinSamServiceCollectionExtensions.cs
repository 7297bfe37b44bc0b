using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SkinSam.Sdk.Hosting;
using SkinSam.Sdk.Models;

// In the container's own namespace, like AddLogging and AddOptions, so that AddSkinSam shows up wherever services are registered.
namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers SkinSam.Sdk with a service collection.</summary>
public static class SkinSamServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="SkinSamOptions"/> (validated when the host starts by <see cref="SkinSamOptionsValidator"/>) and
    /// <see cref="ISegmentationModel"/> as a singleton that loads on first use, logs its loading under the category
    /// <c>SkinSam.Sdk.Hosting</c> and is disposed with the container.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the options, e.g. <c>options =&gt; { options.ModelPath = "models/skinsam-tiny"; options.Providers = "cuda,cpu"; }</c>.</param>
    /// <returns>The same collection, for chaining.</returns>
    /// <remarks>
    /// Calling it again adds another configure step to the same options; the model stays one singleton.
    /// Loading happens when <see cref="ISegmentationModel"/> is first resolved; resolve it once at start-up to pay the
    /// load time (hundreds of milliseconds to seconds for ViT-B) before the first request.
    /// </remarks>
    public static IServiceCollection AddSkinSam(this IServiceCollection services, Action<SkinSamOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);

        services.AddOptions<SkinSamOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SkinSamOptions>, SkinSamOptionsValidator>());
        services.TryAddSingleton<ISegmentationModel>(static provider =>
        {
            SkinSamOptions options = provider.GetRequiredService<IOptions<SkinSamOptions>>().Value;
            ILogger logger = provider.GetService<ILoggerFactory>()?.CreateLogger(SkinSamModelLoader.LogCategory) ?? NullLogger.Instance;
            return SkinSamModelLoader.Load(options, logger);
        });
        return services;
    }
}
