using Cocona;
using S3lo.Cli.Hosting;
using S3lo.Cli.Output;
using S3lo.Core.Bucket;
using S3lo.Core.Doctor;
using S3lo.Core.Errors;
using S3lo.Core.References;

namespace S3lo.Cli.Commands;

public sealed class DoctorCommand(CommandRunner runner, BucketReferences references, BucketOpener buckets, TimeProvider clock)
{
    [Command("doctor", Description = "Check a bucket: missing or damaged blobs, unreadable manifests, config, leftovers (exit 1 on an error)")]
    public Task<int> Doctor(
        [Argument(Description = "SCHEME://BUCKET/")] string bucket,
        GlobalOptions global,
        [Option("deep", Description = "also re-hash every blob (reads the whole bucket)")] bool deep = false) =>
        runner.RunAsync(global, async context =>
        {
            var target = references.ParseBucket(bucket);
            if (target.Repository is not null)
                throw new UsageException($"doctor checks a whole bucket; '{bucket}' names an image", $"write {target.Location}");
            var options = new DoctorOptions
            {
                Deep = deep,
                // Manifests are round trips, not bytes (as clean); a re-hash downloads whole blobs.
                Parallelism = global.Concurrency * 4,
                HashParallelism = global.Concurrency,
                BucketName = target.Location.ToString(),
            };
            await using var images = await buckets.OpenAsync(target.Location, context.StoreOptions, context.Token);
            DoctorReport report;
            using (var line = new ProgressLine(context.ShowsProgress))
            {
                var progress = line.For<DoctorProgress>(p => $"doctor: {p.Phase} {p.Done}" + (p.Total is { } total ? $"/{total}" : ""));
                report = await new BucketDoctor(images, clock).RunAsync(options, progress, context.Token);
            }
            if (!StructuredWriter.TryWrite(context.Format, DoctorSummary.From(target.Location.ToString(), report), c => c.DoctorSummary))
                DoctorText.Write(report, global.Verbose);
            return report.Errors > 0 ? ExitCodes.Failed : ExitCodes.Success;
        });
}
