using Cocona;
using Microsoft.Extensions.DependencyInjection;
using S3lo.Cli.Commands;
using S3lo.Cli.Hosting;

CrashGuard.Install(args);

// Answered before the host is built: `s3lo --version` is what scripts call to probe the tool.
if (args is ["--version"])
{
    Console.WriteLine($"s3lo {typeof(UsageGuard).Assembly.GetName().Version?.ToString(3)}");
    return 0;
}
if (UsageGuard.Check(args) is { } usageExit) return usageExit;
args = UsageGuard.Rewrite(args);

// list and inspect are what scripts call in loops: answered without building Cocona's host.
if (DirectCommandLine.TryParse(args) is { } direct) return await DirectDispatch.RunAsync(direct, args);

var builder = CoconaApp.CreateBuilder(args, options =>
{
    options.EnableShellCompletionSupport = true;
    options.TreatPublicMethodsAsCommands = false;
});
HostServices.ConfigureLogging(builder.Logging, args);
builder.Services
    .AddS3lo()
    .AddSingleton<IShutdownSignal, CoconaShutdownSignal>()
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
