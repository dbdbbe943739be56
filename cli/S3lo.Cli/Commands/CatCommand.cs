using Cocona;
using S3lo.Cli.Hosting;
using S3lo.Core.Bucket;
using S3lo.Core.FileSystem;
using S3lo.Core.Oci;
using S3lo.Core.References;

namespace S3lo.Cli.Commands;

/// <summary>cat: one file of an image's merged filesystem, like <c>docker run --rm IMG cat PATH</c> without Docker.</summary>
public sealed class CatCommand(CommandRunner runner, BucketReferences references, BucketOpener buckets)
{
    [Command("cat", Description = "Print one file of an image's filesystem")]
    public Task<int> Cat(
        [Argument(Description = "SCHEME://BUCKET/IMAGE:TAG or IMAGE@sha256:...")] string reference,
        [Argument(Description = "path in the image, e.g. /etc/os-release")] string path,
        CatOptions options,
        StoreFlags store) =>
        runner.RunAsync(options.ToGlobal(store), async context =>
        {
            var image = references.ParseImage(reference);
            var wanted = options.Platform is null ? PlatformSpec.Host() : PlatformSpec.Parse(options.Platform);
            await using var bucket = await buckets.OpenAsync(image.Location, context.StoreOptions, context.Token);
            await using var source = new BucketImageSource(bucket, image.Repository, image.Tag, image.Digest);
            await using var file = await LayeredFileReader.OpenAsync(bucket, source, path, wanted, options.Platform is not null, context.Token);
            if (options.OutputFile is { } target) await AtomicFile.WriteAsync(target, file.Content, context.Token);
            else
            {
                await using var stdout = Console.OpenStandardOutput();
                await file.Content.CopyToAsync(stdout, context.Token);
                await stdout.FlushAsync(context.Token);
            }
            return ExitCodes.Success;
        });
}
