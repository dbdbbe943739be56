using Cocona;
using S3lo.Cli.Hosting;
using S3lo.Cli.Output;
using S3lo.Core.Bucket;
using S3lo.Core.Errors;
using S3lo.Core.Oci;
using S3lo.Core.References;
using S3lo.Core.Transfer;
using S3lo.Docker;
using static S3lo.Cli.Output.TerminalText;

namespace S3lo.Cli.Commands;

public sealed class PullCommand(CommandRunner runner, BucketReferences references, BucketOpener buckets, ImagePuller puller)
{
    [Command("pull", Description = "Pull an image from a bucket into the Docker daemon")]
    public Task<int> Pull(
        [Argument(Description = "SCHEME://BUCKET/IMAGE:TAG or IMAGE@sha256:...")] string reference,
        [Argument(Description = "local name to tag it as (default IMAGE:TAG)")] string? localTag,
        GlobalOptions global,
        [Option("platform", Description = "os/arch[/variant] to pull from a multi-platform image (default: this machine's)")] string? platform = null) =>
        runner.RunAsync(global, async context =>
        {
            var source = references.ParseImage(reference);
            var (repository, tag) = LocalName(source, localTag);
            var wanted = platform is null ? PlatformSpec.Host() : PlatformSpec.Parse(platform);

            using var docker = new DockerClient();
            await using var bucket = await buckets.OpenAsync(source.Location, context.StoreOptions, context.Token);
            var observer = context.CreateObserver("pull");
            var options = new TransferOptions
            {
                Platform = wanted,
                PlatformIsExplicit = platform is not null,
                Concurrency = context.Options.Concurrency,
                Observer = observer,
            };
            var report = await puller.PullAsync(docker, bucket, source, repository, tag, options, Path.GetTempPath(), context.Token);
            (observer as ConsoleTransferObserver)?.Finish();

            var summary = TransferSummary.From(report, source.ToString(), $"{repository}:{tag}");
            if (!StructuredWriter.TryWrite(context.Format, summary, c => c.TransferSummary))
            {
                Console.WriteLine(Escape($"pulled {source} ({string.Join(", ", report.Platforms)}) as {repository}:{tag}"));
                Console.WriteLine($"digest: {report.Digest}");
                Console.WriteLine(report.Commit.Unchanged
                    ? "the daemon already had this image; tagged it"
                    : $"blobs: {report.BlobsCopied} loaded ({Sizes.Human(report.BytesCopied)})");
            }
            return ExitCodes.Success;
        });

    /// <summary>The daemon name to tag: LOCAL_TAG as docker reads it (no tag → latest), else IMAGE:TAG.</summary>
    private static (string Repository, string Tag) LocalName(ImageReference source, string? localTag)
    {
        if (localTag is null)
            return (source.Repository, source.Tag ?? "sha256-" + source.Digest!.Value.Hex[..12]);
        var slash = localTag.LastIndexOf('/');
        var colon = localTag.LastIndexOf(':');
        var (repository, tag) = colon > slash ? (localTag[..colon], localTag[(colon + 1)..]) : (localTag, "latest");
        if (repository.Length == 0 || tag.Length == 0 || repository.Any(c => char.IsWhiteSpace(c) || char.IsAsciiLetterUpper(c)) || localTag.Contains('@'))
            throw new UsageException($"'{localTag}' is not a valid local image name", "write NAME[:TAG] in lowercase, e.g. myapp:1.0");
        return (repository, tag);
    }
}
