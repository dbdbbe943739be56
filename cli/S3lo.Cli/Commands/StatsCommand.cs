using System.Globalization;
using Cocona;
using S3lo.Cli.Hosting;
using S3lo.Cli.Output;
using S3lo.Core.Bucket;
using S3lo.Core.Errors;
using S3lo.Core.References;
using S3lo.Core.Statistics;
using static S3lo.Cli.Output.TerminalText;

namespace S3lo.Cli.Commands;

public sealed class StatsCommand(CommandRunner runner, BucketReferences references, BucketOpener buckets)
{
    [Command("stats", Description = "Count a bucket's images, tags and blobs, what deduplication saves, and what it costs a month")]
    public Task<int> Stats(
        [Argument(Description = "SCHEME://BUCKET/")] string bucket,
        GlobalOptions global,
        [Option("layers", Description = "also print the 10 most shared and the 10 largest layers")] bool layers = false,
        [Option("price-storage", Description = "USD per GB-month of the bucket's storage (default 0.023, S3 Standard)", ValueName = "USD")] string priceStorage = "0.023",
        [Option("price-ecr", Description = "USD per GB-month of ECR storage (default 0.10)", ValueName = "USD")] string priceEcr = "0.10") =>
        runner.RunAsync(global, async context =>
        {
            var target = references.ParseBucket(bucket);
            if (target.Repository is not null)
                throw new UsageException($"stats counts a whole bucket; '{bucket}' names an image", $"write {target.Location}");
            var prices = new StatsPrices(Price(priceStorage, "--price-storage", "0.023"), Price(priceEcr, "--price-ecr", "0.10"));
            await using var images = await buckets.OpenAsync(target.Location, context.StoreOptions, context.Token);
            // Round trips to the store, not bytes: more in flight than a transfer wants, as clean does.
            var report = await new BucketStatistics(images, global.Concurrency * 4).ComputeAsync(context.Token);
            foreach (var warning in report.Warnings) Console.Error.WriteLine($"warning: {Escape(warning)}");
            var name = target.Location.ToString();
            if (!StructuredWriter.TryWrite(context.Format, StatsSummary.From(name, report, prices, layers), c => c.StatsSummary))
                StatsText.Write(name, report, prices, layers);
            return ExitCodes.Success;
        });

    private static double Price(string text, string option, string example) =>
        double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var price) && double.IsFinite(price)
            ? price
            : throw new UsageException($"{option}: '{Escape(text)}' is not a price", $"write a non-negative number of US dollars per GB-month, e.g. {option} {example}");
}
