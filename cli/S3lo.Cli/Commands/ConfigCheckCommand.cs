using Cocona;
using S3lo.Cli.Hosting;
using S3lo.Cli.Output;
using S3lo.Core.Advice;
using S3lo.Core.Bucket;
using S3lo.Core.Config;
using S3lo.Core.Errors;
using S3lo.Core.References;
using S3lo.Core.Registry;
using S3lo.Core.Signing;
using S3lo.Core.Storage;
using S3lo.Core.Transfer;
using S3lo.Core.Transports;
using static S3lo.Cli.Output.TerminalText;

namespace S3lo.Cli.Commands;

/// <summary><c>s3lo config recommend</c> and <c>config validate</c>: what the bucket and its rules say about the images in it.</summary>
public sealed class ConfigCheckCommand(CommandRunner runner, BucketReferences references, BucketOpener buckets, TimeProvider clock,
    TransportRegistry transports, TransferEngine engine, IEnumerable<IRegistryCredentialProvider> registryCredentials, SigningKeys keys)
{
    [Command("recommend", Description = "Advice from what the bucket has: versioning, incomplete uploads, tiering, images with no retention")]
    public Task<int> Recommend([Argument(Description = "SCHEME://BUCKET/")] string bucket, GlobalOptions global) =>
        runner.RunAsync(global, async context =>
        {
            var target = references.ParseBucket(bucket);
            if (target.Repository is not null)
                throw new UsageException($"config recommend looks at a whole bucket; '{bucket}' names an image", $"write {target.Location}");
            await using var images = await buckets.OpenAsync(target.Location, context.StoreOptions, context.Token);
            var findings = new List<StorageFinding>();
            if (images.Store is IStorageAdvisor advisor) findings.AddRange(await advisor.InspectSettingsAsync(context.Token));
            var file = await BucketConfigStore.ReadAsync(images.Store, context.Token);
            if (file.ETag is null)
                findings.Add(new StorageFinding("config", "no s3lo.yaml", $"'s3lo init {target.Location}' writes one with a default lifecycle (keep_last 10, max_age 90d)"));
            var tagCounts = new Dictionary<string, int>(StringComparer.Ordinal);
            await foreach (var (repository, _) in images.ListTagsAsync(context.Token))
                tagCounts[repository] = tagCounts.GetValueOrDefault(repository) + 1;
            findings.AddRange(RetentionAdvice.ForImages(tagCounts, file.Config.Resolve, target.Location.ToString()));

            if (!StructuredWriter.TryWrite(context.Format, new Recommendations(target.Location.ToString(),
                    [.. findings.Select(f => new RecommendationJson(f.Topic, f.Status, f.Advice))]), c => c.Recommendations))
            {
                foreach (var f in findings)
                {
                    Console.WriteLine(Escape($"{f.Topic}: {f.Status}"));
                    if (f.Advice is not null) Console.WriteLine(Escape($"  advice: {f.Advice}"));
                }
            }
            return ExitCodes.Success;
        });

    [Command("validate", Description = "Run the bucket's policies against an image: exit 1 if one fails, 2 if one cannot run")]
    public Task<int> Validate([Argument(Description = "SCHEME://BUCKET/IMAGE:TAG")] string reference, GlobalOptions global) =>
        runner.RunAsync(global, async context =>
        {
            var image = references.ParseImage(reference);
            if (image.Tag is null)
                throw new UsageException($"config validate checks a tag; '{reference}' names a digest", $"write {image.Location}{image.Repository}:TAG");
            await using var bucket = await buckets.OpenAsync(image.Location, context.StoreOptions, context.Token);
            var tag = await bucket.ReadTagAsync(image.Repository, image.Tag, context.Token)
                ?? throw new NotFoundException($"{image.Repository}:{image.Tag} not found in {bucket.Name}", $"'s3lo list {image.Location}' shows what is there");
            var file = await BucketConfigStore.ReadAsync(bucket.Store, context.Token);
            var subject = await ImageFacts.ReadAsync(bucket, tag, context.Token);
            var tools = new PolicyTools(new ImageArchives(transports, engine, registryCredentials), transports.Parse(reference, EndRole.Source),
                bucket, image.Repository, image.Tag, keys, context);
            var results = await PolicyEvaluation.EvaluateAsync(file.Config.Policies, subject, clock.GetUtcNow(), tools, context.Token);
            if (!StructuredWriter.TryWrite(context.Format, new PolicyReport(image.ToString(), tag.Manifest.Digest.ToString(),
                    [.. results.Select(r => new PolicyResultJson(r.Name, r.Check.ToString().ToLowerInvariant(), r.Outcome.ToString().ToLowerInvariant(), r.Reason))]), c => c.PolicyReport))
            {
                if (results.Count == 0) Console.WriteLine($"no policies in {image.Location}s3lo.yaml: nothing to check");
                foreach (var r in results) Console.WriteLine(Escape($"{OutcomeWord(r.Outcome)} {r.Name} ({r.Check.ToString().ToLowerInvariant()}): {r.Reason}"));
            }
            if (results.Any(r => r.Outcome == PolicyOutcome.Failed)) return ExitCodes.Failed;
            if (results.FirstOrDefault(r => r.Outcome == PolicyOutcome.CannotRun) is { } blocked)
            {
                Console.Error.WriteLine(Escape($"error: policy {blocked.Name} could not run: {blocked.Reason}"));
                return ExitCodes.Usage;
            }
            return ExitCodes.Success;
        });

    private static string OutcomeWord(PolicyOutcome outcome) => outcome switch
    {
        PolicyOutcome.Passed => "pass",
        PolicyOutcome.Failed => "FAIL",
        _ => "cannot run",
    };
}
