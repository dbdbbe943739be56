using Cocona;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using S3lo.Cli.Commands;
using S3lo.Cli.Hosting;
using S3lo.Core.Bucket;
using S3lo.Core.Storage;
using S3lo.Core.Transfer;
using S3lo.Core.Transports;
using S3lo.Docker;
using S3lo.Providers.Azure;
using S3lo.Providers.Gcs;
using S3lo.Providers.Local;
using S3lo.Providers.S3;

CrashGuard.Install(args);

// Answered before the host is built: `s3lo --version` is what scripts call to probe the tool.
if (args is ["--version"])
{
    Console.WriteLine($"s3lo {typeof(UsageGuard).Assembly.GetName().Version?.ToString(3)}");
    return 0;
}
if (UsageGuard.Check(args) is { } usageExit) return usageExit;
args = UsageGuard.Rewrite(args);

var builder = CoconaApp.CreateBuilder(args, options =>
{
    options.EnableShellCompletionSupport = true;
    options.TreatPublicMethodsAsCommands = false;
});
builder.Logging.ClearProviders();
if (args.Contains("--verbose") || args.Contains("-v"))
{
    builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Debug);
    builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
}

// Storage schemes in the order hints list them (s3, gs, az, local); one line per scheme.
builder.Services
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
    .AddSingleton<S3lo.Core.Signing.SigningKeys>()
    .AddSingleton<Cocona.Command.Dispatcher.ICoconaCommandDispatcher, GuardedCommandDispatcher>();

var app = builder.Build();
app.UseFilter(new UsageErrorFilter());
app.AddCommands<PushCommand>();
app.AddCommands<PullCommand>();
app.AddCommands<ListCommand>();
app.AddCommands<InspectCommand>();
app.AddCommands<DeleteCommand>();
app.AddCommands<InitCommand>();
app.AddCommands<CopyCommand>();
app.AddCommands<CleanCommand>();
app.AddCommands<HistoryCommand>();
app.AddCommands<StatsCommand>();
app.AddCommands<DoctorCommand>();
app.AddCommands<CatCommand>();
app.AddCommands<ScanCommand>();
app.AddCommands<SbomCommand>();
app.AddCommands<KeygenCommand>();
app.AddCommands<SignCommand>();
app.AddCommands<VerifyCommand>();
app.AddCommands<ServeCommand>();
app.AddSubCommand("config", config =>
{
    config.AddCommands<ConfigCommand>();
    config.AddCommands<ConfigCheckCommand>();
}).WithDescription("Manage the bucket's s3lo.yaml: set, get, remove, recommend, validate");
await app.RunAsync();
return UsageGuard.MapExitCode(Environment.ExitCode, args);
