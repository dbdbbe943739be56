using Cocona;
using S3lo.Cli.Hosting;
using S3lo.Cli.Output;
using S3lo.Core.Bucket;
using S3lo.Core.Cleaning;
using S3lo.Core.Config;
using S3lo.Core.Errors;
using S3lo.Core.References;
using static S3lo.Cli.Output.TerminalText;

namespace S3lo.Cli.Commands;

public sealed class CleanCommand(CommandRunner runner, BucketReferences references, BucketOpener buckets, TimeProvider clock)
{
    [Command("clean", Description = "Prune tags by the lifecycle rules, then delete unreferenced blobs (a dry run unless --confirm)")]
    public Task<int> Clean(
        [Argument(Description = "SCHEME://BUCKET/")] string bucket,
        GlobalOptions global,
        [Option("confirm", Description = "delete for real (without it, only print what would go)")] bool confirm = false,
        [Option("tags", Description = "only prune tags (with --blobs: both, the default)")] bool tags = false,
        [Option("blobs", Description = "only collect unreferenced blobs, uploads and index entries")] bool blobs = false,
        [Option("grace", Description = "keep unreferenced blobs younger than this (default 1h)", ValueName = "DURATION")] string grace = "1h",
        [Option("keep-digests", Description = "never prune images with these digests (one per line)", ValueName = "FILE")] string? keepDigests = null,
        [Option("config", Description = "use this s3lo.yaml instead of the bucket's", ValueName = "FILE")] string? config = null) =>
        runner.RunAsync(global, async context =>
        {
            var target = references.ParseBucket(bucket);
            if (target.Repository is not null)
                throw new UsageException($"clean acts on a whole bucket; '{bucket}' names an image", $"write {target.Location}");
            var options = new CleanOptions
            {
                Confirm = confirm,
                Tags = tags || !blobs,
                Blobs = blobs || !tags,
                Grace = Durations.ParseGrace(grace, "--grace"),
                KeepDigests = keepDigests is null ? new HashSet<string>() : KeepDigestsFile.Read(keepDigests),
                // A big clean is round trips to the store, not bytes: more in flight than a transfer wants.
                Parallelism = global.Concurrency * 4,
            };
            var localConfig = config is null ? null : ReadConfigFile(config);
            await using var images = await buckets.OpenAsync(target.Location, context.StoreOptions, context.Token);
            var rules = localConfig ?? (await BucketConfigStore.ReadAsync(images.Store, context.Token)).Config;
            CleanReport report;
            using (var line = new ProgressLine(context.ShowsProgress))
            {
                var progress = line.For<CleanProgress>(p => $"clean: {p.Phase} {p.Done}" + (p.Total is { } total ? $"/{total}" : ""));
                report = await new BucketCleaner(images, rules.Resolve, clock).RunAsync(options, progress, context.Token);
            }

            foreach (var warning in report.Warnings) Console.Error.WriteLine($"warning: {Escape(warning)}");
            if (!StructuredWriter.TryWrite(context.Format, CleanSummary.From(target.Location.ToString(), report), c => c.CleanSummary))
                CleanText.Write(report);
            return report.HasFailures ? ExitCodes.Failed : ExitCodes.Success;
        });

    /// <summary>--config FILE: rules tried on a copy before they go into the bucket.</summary>
    private static BucketConfig ReadConfigFile(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"--config: cannot read '{path}': {e.Message}");
        }
        try
        {
            return BucketConfigParser.Parse(text, path);
        }
        catch (ConfigException e)
        {
            throw new UsageException(e.Message, e.Hint);
        }
    }
}
