using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using S3lo.Core.Bucket;
using S3lo.Core.Signing;
using S3lo.Core.Storage;
using S3lo.Core.Transfer;
using S3lo.Core.Transports;
using S3lo.Docker;
using S3lo.Providers.Azure;
using S3lo.Providers.Gcs;
using S3lo.Providers.Local;
using S3lo.Providers.S3;

namespace S3lo.Cli.Hosting;

/// <summary>What every command can ask for, registered once for both Cocona's host and the direct dispatch.</summary>
public static class HostServices
{
    /// <summary>Storage schemes in the order hints list them (s3, gs, az, local); one line per scheme.</summary>
    public static IServiceCollection AddS3lo(this IServiceCollection services) =>
        services
            .AddS3StoreProvider()
            .AddEcrRegistryCredentials()
            .AddAwsKmsKeys()
            .AddGcsStoreProvider()
            .AddAzureStoreProvider()
            .AddLocalStoreProvider()
            .AddImageTransports()
            .AddDockerTransports()
            .AddSingleton<ObjectStoreFactory>()
            .AddSingleton<BucketOpener>()
            .AddSingleton<TransferEngine>()
            .AddSingleton(TimeProvider.System)
            .AddSingleton<CommandRunner>()
            .AddSingleton<SigningKeys>();

    /// <summary>Silent unless --verbose, which sends the debug log to stderr (stdout stays the command's output).</summary>
    public static void ConfigureLogging(ILoggingBuilder logging, IReadOnlyCollection<string> args)
    {
        logging.ClearProviders();
        if (!args.Contains("--verbose") && !args.Contains("-v")) return;
        logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Debug);
        logging.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
    }
}
