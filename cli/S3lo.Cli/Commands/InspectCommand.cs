using Cocona;
using S3lo.Cli.Hosting;
using S3lo.Cli.Output;
using S3lo.Core.Bucket;
using S3lo.Core.Inspection;
using S3lo.Core.References;
using static S3lo.Cli.Output.TerminalText;

namespace S3lo.Cli.Commands;

public sealed class InspectCommand(CommandRunner runner, BucketReferences references, BucketOpener buckets)
{
    [Command("inspect", Description = "Show an image: platforms, layers, sizes")]
    public Task<int> Inspect([Argument(Description = "SCHEME://BUCKET/IMAGE:TAG or IMAGE@sha256:...")] string reference, GlobalOptions global) =>
        runner.RunAsync(global, async context =>
        {
            var image = references.ParseImage(reference);
            await using var bucket = await buckets.OpenAsync(image.Location, context.StoreOptions, context.Token);
            await using var source = new BucketImageSource(bucket, image.Repository, image.Tag, image.Digest);
            var details = await ImageInspector.InspectAsync(source, image.ToString(), context.Token);
            if (image.Tag is { } tag)
            {
                details = await PushRecord.AddAsync(details, bucket, image.Repository, tag, context.Token);
                details = await SignatureList.AddAsync(details, bucket, image.Repository, tag, context.Token);
            }
            if (!StructuredWriter.TryWrite(context.Format, details, c => c.ImageDetails)) PrintText(details);
            return ExitCodes.Success;
        });

    private static void PrintText(ImageDetails details)
    {
        Console.WriteLine($"reference:  {Escape(details.Reference)}");
        // By digest there is no tag, so no push to name.
        if (!details.Reference.Contains('@'))
        {
            Console.WriteLine($"pushed:     {(details.PushedAt is { } at ? Rfc3339(at) : "unknown")}");
            if (details.PushedBy is not null) Console.WriteLine($"by:         {Escape(details.PushedBy)}");
            if (details.Source is not null) Console.WriteLine($"source:     {Escape(details.Source)}");
        }
        Console.WriteLine($"digest:     {Escape(details.Digest)}");
        Console.WriteLine($"media type: {Escape(details.MediaType)}");
        Console.WriteLine(details.Type == "index"
            ? $"type:       index with {details.Platforms.Count} platforms" + (details.Attestations.Count > 0 ? $" and {details.Attestations.Count} attestations" : "")
            : "type:       single-arch");
        foreach (var p in details.Platforms)
        {
            Console.WriteLine();
            Console.WriteLine(Escape(p.Platform));
            Console.WriteLine($"  digest:  {Escape(p.Digest)}");
            Console.WriteLine($"  created: {(p.Created is { } c ? Rfc3339(c) : "unknown")}");
            Console.WriteLine($"  config:  {Escape(p.ConfigDigest)}{(p.ConfigMissing ? " (missing from the bucket)" : "")}");
            Console.WriteLine($"  size:    {Sizes.Human(p.TotalSize)} ({p.Layers.Count} layer{(p.Layers.Count == 1 ? "" : "s")})");
            foreach (var layer in p.Layers) Console.WriteLine($"    {Escape(layer.Digest)}  {Sizes.Human(layer.Size)}");
            PrintRunSettings(p);
        }
        if (details.Attestations.Count > 0)
        {
            Console.WriteLine();
            Console.WriteLine("attestations");
            foreach (var a in details.Attestations) Console.WriteLine($"  {Escape(a.Digest)}" + (a.For is null ? "" : $"  for {Escape(a.For)}"));
        }
        if (details.Signatures is { } signatures) PrintSignatures(signatures);
    }

    // Listed, not verified: checking one needs its public key ('s3lo verify --key').
    private static void PrintSignatures(IReadOnlyList<SignatureDetails> signatures)
    {
        Console.WriteLine();
        if (signatures.Count == 0)
        {
            Console.WriteLine("signatures: none");
            return;
        }
        Console.WriteLine("signatures (not verified here: 's3lo verify REF --key K' checks one)");
        foreach (var s in signatures)
        {
            var what = s.Covers switch
            {
                SignatureDetails.ThisDigest => $"signed {Rfc3339(s.SignedAt!.Value)} with {s.KeyRef}",
                SignatureDetails.OtherDigest => $"signed {Rfc3339(s.SignedAt!.Value)} with {s.KeyRef}, covers {s.SignedDigest}: the tag moved since",
                _ => $"unreadable: {s.Problem}",
            };
            Console.WriteLine(Escape($"  {s.KeyId}  {what}"));
        }
    }

    // What the image runs, as docker inspect shows it: env values in full (users expect them), control characters escaped.
    private static void PrintRunSettings(PlatformDetails p)
    {
        if (p.Entrypoint is { } entrypoint) Console.WriteLine($"  entrypoint: {Escape(Json(entrypoint))}");
        if (p.Cmd is { } cmd) Console.WriteLine($"  cmd:        {Escape(Json(cmd))}");
        if (p.WorkingDir is { } dir) Console.WriteLine($"  workdir:    {Escape(dir)}");
        if (p.Env is { } env)
        {
            Console.WriteLine("  env:");
            foreach (var variable in env) Console.WriteLine($"    {Escape(variable)}");
        }
        if (p.Labels is { } labels)
        {
            Console.WriteLine("  labels:");
            foreach (var (key, value) in labels.OrderBy(l => l.Key, StringComparer.Ordinal)) Console.WriteLine($"    {Escape(key)}={Escape(value)}");
        }
    }

    // ["sh","-c","echo hi"]: the exec form, so arguments with spaces stay readable.
    private static string Json(IReadOnlyList<string> args) =>
        "[" + string.Join(", ", args.Select(a => "\"" + a.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"")) + "]";

    private static string Rfc3339(DateTimeOffset at) =>
        at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
