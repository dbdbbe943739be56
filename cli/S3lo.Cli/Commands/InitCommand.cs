using Cocona;
using S3lo.Cli.Hosting;
using S3lo.Cli.Output;
using S3lo.Core.Errors;
using S3lo.Core.Init;
using S3lo.Core.References;
using S3lo.Core.Storage;

namespace S3lo.Cli.Commands;

public sealed class InitCommand(CommandRunner runner, BucketReferences references, ObjectStoreFactory stores)
{
    [Command("init", Description = "Create a store: 'init --local DIR' or 'init SCHEME://BUCKET/'")]
    public Task<int> Init(
        [Argument(Description = "SCHEME://BUCKET/ (omit with --local)")] string? bucket,
        GlobalOptions global,
        [Option("local", Description = "create a local store in this directory", ValueName = "DIR")] string? local = null) =>
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
            var wrote = await StoreInitializer.InitializeAsync(store, context.Token);
            if (!StructuredWriter.TryWrite(context.Format, new InitSummary(location.ToString(), wrote), c => c.InitSummary))
                Console.WriteLine(wrote ? $"initialized {location}" : $"{location} is already a store; left its s3lo.yaml as it was");
            return ExitCodes.Success;
        });
}
