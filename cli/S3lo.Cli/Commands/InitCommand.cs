using Cocona;
using S3lo.Cli.Hosting;
using S3lo.Cli.Output;
using S3lo.Core.Errors;
using S3lo.Core.Init;
using S3lo.Core.References;
using S3lo.Core.Storage;
using static S3lo.Cli.Output.TerminalText;

namespace S3lo.Cli.Commands;

public sealed class InitCommand(CommandRunner runner, BucketReferences references, ObjectStoreFactory stores)
{
    [Command("init", Description = "Create a store: 'init --local DIR' or 'init SCHEME://BUCKET/' (creates the bucket when missing, checks access)")]
    public Task<int> Init(
        [Argument(Description = "SCHEME://BUCKET/ (omit with --local)")] string? bucket,
        GlobalOptions global,
        [Option("local", Description = "create a local store in this directory", ValueName = "DIR")] string? local = null,
        [Option("force", Description = "make a store of a bucket that already holds other objects")] bool force = false) =>
        runner.RunAsync(global, async context =>
        {
            BucketLocation location = (bucket, local) switch
            {
                (null, { } dir) when dir.Trim().Length > 0 => new BucketLocation("local", Path.GetFullPath(dir)),
                ({ } text, null) => references.ParseBucket(text).Location,
                (null, null) => throw new UsageException("init needs a store", "write 's3lo init --local DIR' or 's3lo init SCHEME://BUCKET/'"),
                _ => throw new UsageException("give either --local DIR or a bucket, not both"),
            };
            await using var store = await stores.OpenAsync(location.Scheme, location.Bucket,
                context.StoreOptions with { CreateIfMissing = true }, context.Token);
            var report = await StoreInitializer.InitializeAsync(store, force, context.Token);
            if (report.DeleteRefused is { } refused)
                Console.Error.WriteLine($"warning: {Escape(refused)}; push, pull and copy work, but delete and clean will fail (the probe object {report.ProbeKey} stays)");
            if (!StructuredWriter.TryWrite(context.Format, InitSummary.From(location.ToString(), report), c => c.InitSummary))
                InitText.Write(location.ToString(), report);
            return ExitCodes.Success;
        });
}
