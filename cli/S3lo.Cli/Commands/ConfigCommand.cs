using Cocona;
using S3lo.Cli.Hosting;
using S3lo.Cli.Output;
using S3lo.Core.Advice;
using S3lo.Core.Bucket;
using S3lo.Core.Config;
using S3lo.Core.Errors;
using S3lo.Core.References;
using S3lo.Core.Storage;
using static S3lo.Cli.Output.TerminalText;

namespace S3lo.Cli.Commands;

/// <summary><c>s3lo config set|get|remove|recommend|validate</c>: the bucket's s3lo.yaml (docs/config.md).</summary>
public sealed class ConfigCommand(CommandRunner runner, BucketReferences references, BucketOpener buckets)
{
    [Command("set", Description = "Set keys for the bucket default, an image or a glob: config set REF k=v...")]
    public Task<int> Set(
        [Argument(Description = "SCHEME://BUCKET/ (default), SCHEME://BUCKET/IMAGE or SCHEME://BUCKET/GLOB")] string reference,
        [Argument(Description = "KEY=VALUE: immutable, lifecycle.keep_last, lifecycle.max_age, lifecycle.keep_tags")] string[] assignments,
        GlobalOptions global) =>
        runner.RunAsync(global, async context =>
        {
            var target = ParseTarget(reference);
            if (assignments.Length == 0)
                throw new UsageException("config set needs at least one KEY=VALUE", $"keys: {string.Join(", ", ConfigKeys.Names)}; e.g. lifecycle.keep_last=10");
            var parsed = assignments.Select(ConfigKeys.ParseAssignment).ToList();
            await using var bucket = await buckets.OpenAsync(target.Location, context.StoreOptions, context.Token);
            await BucketConfigStore.UpdateAsync(bucket.Store, text =>
            {
                foreach (var assignment in parsed) text = new ConfigDocument(text).Set(target.Repository, assignment);
                return text;
            }, context.Token);
            var entry = EntryName(target.Repository);
            if (!StructuredWriter.TryWrite(context.Format, new ConfigChange(target.Location.ToString(), entry, "set",
                    [.. parsed.Select(a => $"{ConfigKeys.NameOf(a.Key)}={ConfigKeys.Format(a.Key, a.Value)}")]), c => c.ConfigChange))
            {
                foreach (var a in parsed) Console.WriteLine(Escape($"set {ConfigKeys.NameOf(a.Key)}={ConfigKeys.Format(a.Key, a.Value)} for {entry} in {target.Location}"));
            }
            return ExitCodes.Success;
        });

    [Command("get", Description = "Show the effective settings of an image (and where each comes from), or the bucket's s3lo.yaml")]
    public Task<int> Get(
        [Argument(Description = "SCHEME://BUCKET/, SCHEME://BUCKET/IMAGE or SCHEME://BUCKET/GLOB")] string reference,
        GlobalOptions global) =>
        runner.RunAsync(global, async context =>
        {
            var target = ParseTarget(reference);
            await using var bucket = await buckets.OpenAsync(target.Location, context.StoreOptions, context.Token);
            var file = await BucketConfigStore.ReadAsync(bucket.Store, context.Token);
            if (target.Repository is null)
            {
                if (context.Format == OutputFormat.Text)
                {
                    Console.Write(file.Text.Length > 0 ? file.Text
                        : $"# {target.Location} has no s3lo.yaml: built-in settings (mutable tags, no lifecycle rules)\n");
                    return ExitCodes.Success;
                }
            }
            var rules = target.Repository is null || target.IsGlob ? OwnRules(file.Config, target.Repository) : file.Config.Resolve(target.Repository);
            var settings = ConfigKeys.Describe(rules).Select(s => new ConfigSetting(s.Key, s.Value, s.Origin)).ToList();
            if (!StructuredWriter.TryWrite(context.Format, new ConfigView(target.Location.ToString(), EntryName(target.Repository), settings), c => c.ConfigView))
            {
                var keyWidth = settings.Max(s => s.Key.Length);
                var valueWidth = settings.Max(s => Shown(s.Value).Length);
                foreach (var s in settings) Console.WriteLine(Escape($"{s.Key.PadRight(keyWidth)}  {Shown(s.Value).PadRight(valueWidth)}  {s.Origin}"));
            }
            return ExitCodes.Success;
        });

    [Command("remove", Description = "Remove a key (or a whole entry) from the bucket default, an image or a glob")]
    public Task<int> Remove(
        [Argument(Description = "SCHEME://BUCKET/, SCHEME://BUCKET/IMAGE or SCHEME://BUCKET/GLOB")] string reference,
        [Argument(Description = "the key to remove (all of the entry when left out)")] string? key,
        GlobalOptions global) =>
        runner.RunAsync(global, async context =>
        {
            var target = ParseTarget(reference);
            ConfigKey? configKey = key is null ? null : ConfigKeys.ParseKey(key);
            await using var bucket = await buckets.OpenAsync(target.Location, context.StoreOptions, context.Token);
            var changed = false;
            await BucketConfigStore.UpdateAsync(bucket.Store, text =>
            {
                var edited = new ConfigDocument(text).Remove(target.Repository, configKey);
                changed = !ReferenceEquals(edited, text) && edited != text;
                return edited;
            }, context.Token);
            var entry = EntryName(target.Repository);
            var what = key ?? "its settings";
            if (!changed)
                throw new NotFoundException($"{entry} in {target.Location}s3lo.yaml has no {(key ?? "entry")} to remove", $"'s3lo config get {reference}' shows what is set");
            if (!StructuredWriter.TryWrite(context.Format, new ConfigChange(target.Location.ToString(), entry, "remove", key is null ? [] : [key]), c => c.ConfigChange))
                Console.WriteLine(Escape($"removed {what} from {entry} in {target.Location}"));
            return ExitCodes.Success;
        });

    /// <summary>An unset value reads as "-" in the table (no limit, no kept tags).</summary>
    private static string Shown(string value) => value.Length > 0 ? value : "-";

    private BucketTarget ParseTarget(string reference) => references.ParseBucket(reference);

    private static string EntryName(string? pattern) => pattern ?? "default";

    /// <summary>What the default or a glob's own entry sets (a glob is not an image: nothing resolves for it).</summary>
    private static EffectiveRules OwnRules(BucketConfig config, string? pattern)
    {
        var origin = pattern is null ? "[default]" : $"[glob {pattern}]";
        var own = pattern is null ? config.Default : config.Find(pattern) ?? ImageRules.None;
        var unset = EffectiveRules.BuiltIn;
        return new EffectiveRules(
            own.Immutable is { } i ? new Setting<bool>(i, origin) : unset.Immutable,
            own.KeepLast is { } k ? new Setting<int?>(k, origin) : unset.KeepLast,
            own.MaxAge is { } m ? new Setting<TimeSpan?>(m, origin) : unset.MaxAge,
            own.KeepTags is { } t ? new Setting<IReadOnlyList<string>>(t, origin) : unset.KeepTags);
    }
}
