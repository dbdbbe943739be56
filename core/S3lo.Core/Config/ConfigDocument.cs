using S3lo.Core.Bucket;
using S3lo.Core.Errors;

namespace S3lo.Core.Config;

/// <summary>
/// Edits the text of s3lo.yaml for <c>config set</c> and <c>config remove</c>: only the spans that
/// change are rewritten (a flow mapping is re-rendered only when the edit is inside it), so comments,
/// unrelated entries and their order stay as the user wrote them. Each result re-parses to exactly
/// the intended config; an empty or missing file gives a clean new one.
/// </summary>
public sealed class ConfigDocument
{
    private readonly string _text;
    private readonly string _source;
    private readonly string _newline;
    private readonly YamlTreeNode? _root;

    /// <exception cref="ConfigException">The current text is not a valid config (it must be fixed by hand first).</exception>
    public ConfigDocument(string text, string source = BucketLayout.ConfigKey)
    {
        _text = text;
        _source = source;
        Config = BucketConfigParser.Parse(text, source);
        _root = YamlTree.Load(text, source);
        _newline = text.Contains("\r\n", StringComparison.Ordinal) ? "\r\n" : "\n";
    }

    /// <summary>The config the current text holds.</summary>
    public BucketConfig Config { get; }

    /// <summary>The text with <paramref name="assignment"/> set on <paramref name="pattern"/> (an image or a glob; null: <c>default</c>).</summary>
    /// <exception cref="UsageException"><paramref name="pattern"/> is not an image name or glob.</exception>
    public string Set(string? pattern, ConfigAssignment assignment)
    {
        CheckPattern(pattern);
        var path = Path(pattern, assignment.Key);
        var value = ConfigWriter.Value(assignment.Key, assignment.Value);
        var edited = _root switch
        {
            YamlTreeMap root => Apply(SetIn(root, path, 0, value)),
            _ => _text + (_text.Length == 0 || _text.EndsWith('\n') ? "" : _newline) + BlockPair(0, path, 0, value, null),
        };
        var rules = (pattern is null ? Config.Default : Config.Find(pattern) ?? ImageRules.None).With(assignment.Value);
        return Checked(edited, WithEntry(pattern, rules));
    }

    /// <summary>
    /// The text without <paramref name="key"/> on <paramref name="pattern"/> (null key: the whole entry; null
    /// pattern: <c>default</c>). A mapping left empty goes too. The text comes back unchanged when nothing was set.
    /// </summary>
    public string Remove(string? pattern, ConfigKey? key)
    {
        CheckPattern(pattern);
        var path = key is { } k ? Path(pattern, k) : EntryPath(pattern);
        if (_root is not YamlTreeMap root) return _text;
        var edited = RemoveIn(root, path, 0) switch
        {
            { RemoveAll: true } => Apply(Whole(root)),
            { Edit: { } edit } => Apply(edit),
            _ => _text,
        };
        if (ReferenceEquals(edited, _text)) return _text;
        var current = pattern is null ? Config.Default : Config.Find(pattern);
        if (current is null) return Checked(edited, Config);
        var rules = key is { } removed ? current.Without(removed) : ImageRules.None;
        return Checked(edited, WithEntry(pattern, rules, dropEmpty: true));
    }

    private TextEdit SetIn(YamlTreeMap map, string[] path, int depth, string value)
    {
        if (map.Flow) return Replace(map, FlowMap.From(map, _text).Set(path.AsSpan(depth), value).Render());
        var pair = map.Find(path[depth]);
        if (pair is null)
        {
            // A new key goes after the mapping's last line, at its keys' indentation.
            var at = LineEndAfter(YamlTree.ContentEnd(map));
            var lead = at == _text.Length && at > 0 && _text[at - 1] != '\n' ? _newline : "";
            return new TextEdit(at, at, lead + BlockPair(Indent(map.Pairs[0].Key), path, depth, value, null));
        }
        var last = depth == path.Length - 1;
        switch (pair.Value)
        {
            case YamlTreeScalar { IsNull: false } or YamlTreeMap { Flow: true } or YamlTreeSeq { Flow: true } when last:
                return Replace(pair.Value, value);
            case YamlTreeMap child when !last:
                return SetIn(child, path, depth + 1, value);
            default:
                // An empty value filled in, or a block list (keep_tags) that becomes one line.
                var (start, end) = PairLines(pair);
                return new TextEdit(start, end, BlockPair(Indent(pair.Key), path, depth, value, Slice(pair.Key)));
        }
    }

    private Removal RemoveIn(YamlTreeMap map, string[] path, int depth)
    {
        if (map.Flow)
        {
            var flow = FlowMap.From(map, _text);
            if (!flow.Remove(path.AsSpan(depth))) return Removal.None;
            return flow.IsEmpty ? Removal.All : new Removal(Replace(map, flow.Render()), false);
        }
        var pair = map.Find(path[depth]);
        if (pair is null) return Removal.None;
        if (depth < path.Length - 1)
        {
            if (pair.Value is not YamlTreeMap child) return Removal.None;
            var inner = RemoveIn(child, path, depth + 1);
            if (!inner.RemoveAll) return inner;
        }
        if (map.Pairs.Count == 1) return Removal.All;
        var (start, end) = PairLines(pair);
        return new Removal(new TextEdit(start, end, ""), false);
    }

    /// <summary>A new key in block style: a top-level key gets its entries on lines below it, anything deeper one flow line.</summary>
    private string BlockPair(int indent, string[] path, int depth, string value, string? keyText)
    {
        var pad = new string(' ', indent);
        var key = keyText ?? YamlText.Scalar(path[depth]);
        if (depth == path.Length - 1) return $"{pad}{key}: {value}{_newline}";
        if (depth == 0) return $"{pad}{key}:{_newline}" + BlockPair(indent + 2, path, 1, value, null);
        return $"{pad}{key}: {new FlowMap().Set(path.AsSpan(depth + 1), value).Render()}{_newline}";
    }

    private string Checked(string edited, BucketConfig expected)
    {
        var actual = BucketConfigParser.Parse(edited, _source);
        // A guard, not a path: should an edit ever read back differently, the whole file is written
        // fresh from the intended config rather than saving something the user did not ask for.
        return ConfigWriter.Render(actual) == ConfigWriter.Render(expected) ? edited : ConfigWriter.Render(expected);
    }

    private BucketConfig WithEntry(string? pattern, ImageRules rules, bool dropEmpty = false)
    {
        if (pattern is null) return new BucketConfig(rules, Config.Images, Config.Policies);
        var images = Config.Images.ToList();
        var index = images.FindIndex(e => e.Pattern == pattern);
        if (dropEmpty && rules == ImageRules.None)
        {
            if (index >= 0) images.RemoveAt(index);
        }
        else if (index >= 0) images[index] = new ImageEntry(pattern, rules);
        else images.Add(new ImageEntry(pattern, rules));
        return new BucketConfig(Config.Default, images, Config.Policies);
    }

    private static string[] EntryPath(string? pattern) => pattern is null ? ["default"] : ["images", pattern];

    private static string[] Path(string? pattern, ConfigKey key) => [.. EntryPath(pattern), .. KeyPath(key)];

    private static string[] KeyPath(ConfigKey key) => key switch
    {
        ConfigKey.Immutable => ["immutable"],
        ConfigKey.KeepLast => ["lifecycle", "keep_last"],
        ConfigKey.MaxAge => ["lifecycle", "max_age"],
        _ => ["lifecycle", "keep_tags"],
    };

    private static void CheckPattern(string? pattern)
    {
        if (pattern is not null && !ConfigValues.IsPattern(pattern))
            throw new UsageException($"'{pattern}' is not {ConfigValues.PatternForm}");
    }

    private TextEdit Whole(YamlTreeMap root) => root.Flow
        ? Replace(root, "")
        : new TextEdit(LineStart((int)root.Pairs[0].Key.Start.Index), LineEndAfter(YamlTree.ContentEnd(root)), "");

    private (int Start, int End) PairLines(YamlTreePair pair) =>
        (LineStart((int)pair.Key.Start.Index), LineEndAfter(Math.Max((int)pair.Key.End.Index, YamlTree.ContentEnd(pair.Value))));

    private static TextEdit Replace(YamlTreeNode node, string text) => new((int)node.Start.Index, (int)node.End.Index, text);

    private string Apply(TextEdit edit) => string.Concat(_text.AsSpan(0, edit.Start), edit.Text, _text.AsSpan(edit.End));

    private string Slice(YamlTreeNode node) => _text[(int)node.Start.Index..(int)node.End.Index];

    private static int Indent(YamlTreeNode key) => (int)key.Start.Column - 1;

    private int LineStart(int index) => index == 0 ? 0 : _text.LastIndexOf('\n', index - 1) + 1;

    private int LineEndAfter(int index)
    {
        var newline = _text.IndexOf('\n', index);
        return newline < 0 ? _text.Length : newline + 1;
    }

    private sealed record TextEdit(int Start, int End, string Text);

    /// <summary>What removing a key did to the mapping that held it: one edit, or nothing left (the caller removes it whole).</summary>
    private sealed record Removal(TextEdit? Edit, bool RemoveAll)
    {
        public static readonly Removal None = new(null, false);
        public static readonly Removal All = new(null, true);
    }
}
