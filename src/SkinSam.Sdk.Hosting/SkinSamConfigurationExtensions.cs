using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SkinSam.Sdk.Hosting;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers SkinSam.Sdk for a service from configuration: model options, serving limits, the concurrency limiter, readiness and warm-up.</summary>
public static class SkinSamConfigurationExtensions
{
    /// <summary>
    /// Binds <see cref="SkinSamOptions"/> from <paramref name="configuration"/> (e.g. <c>configuration.GetSection("SkinSam")</c>:
    /// <c>ModelPath</c>, <c>Providers</c>, <c>IntraOpThreads</c>, ...) and <see cref="SkinSamServingOptions"/> from its
    /// <c>Serving</c> sub-section, both validated at start-up; registers the model as <c>AddSkinSam(options =&gt; ...)</c>
    /// does, a <see cref="SegmentationConcurrencyLimiter"/>, <see cref="SkinSamReadiness"/> and a hosted service that loads
    /// and warms up the model at start-up.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The section holding the settings.</param>
    /// <param name="configure">Further settings applied after binding, e.g. a default model path; may be null.</param>
    /// <returns>The same collection, for chaining.</returns>
    public static IServiceCollection AddSkinSam(this IServiceCollection services, IConfiguration configuration, Action<SkinSamOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddSkinSam(options =>
        {
            configuration.Bind(options);
            configure?.Invoke(options);
        });
        services.AddOptions<SkinSamServingOptions>().Bind(configuration.GetSection("Serving")).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SkinSamServingOptions>, SkinSamServingOptionsValidator>());
        services.TryAddSingleton(static provider =>
        {
            SkinSamServingOptions serving = provider.GetRequiredService<IOptions<SkinSamServingOptions>>().Value;
            SkinSamOptions model = provider.GetRequiredService<IOptions<SkinSamOptions>>().Value;
            int concurrency = serving.MaxConcurrentRequests > 0
                ? serving.MaxConcurrentRequests
                : SegmentationConcurrencyLimiter.DefaultConcurrency(Environment.ProcessorCount, model.IntraOpThreads);
            return new SegmentationConcurrencyLimiter(concurrency, serving.MaxQueuedRequests, serving.QueueTimeout);
        });
        services.TryAddSingleton<SkinSamReadiness>();
        services.AddHostedService<SkinSamWarmUpService>();
        return services;
    }
}
