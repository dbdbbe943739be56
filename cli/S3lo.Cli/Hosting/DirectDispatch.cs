using Microsoft.Extensions.DependencyInjection;
using S3lo.Cli.Commands;

namespace S3lo.Cli.Hosting;

/// <summary>
/// Runs the hot read commands without Cocona's generic host, which costs about 30 ms on every start:
/// the same command classes and services, a plain service provider, and our own signal handling.
/// </summary>
public static class DirectDispatch
{
    public static async Task<int> RunAsync(DirectCommandLine line, string[] args)
    {
        using var shutdown = new ProcessShutdownSignal();
        var services = new ServiceCollection()
            .AddLogging(logging => HostServices.ConfigureLogging(logging, args))
            .AddS3lo()
            .AddSingleton<IShutdownSignal>(shutdown)
            .AddTransient<ListCommand>()
            .AddTransient<InspectCommand>();
        await using var provider = services.BuildServiceProvider();
        return line.Command switch
        {
            "list" => await provider.GetRequiredService<ListCommand>().List(line.Argument, line.Options).ConfigureAwait(false),
            "inspect" => await provider.GetRequiredService<InspectCommand>().Inspect(line.Argument, line.Options).ConfigureAwait(false),
            _ => throw new InvalidOperationException($"no direct dispatch for '{line.Command}'"),
        };
    }
}
