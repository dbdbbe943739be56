using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace S3lo.Core.Config;

// A YAML document as s3lo.yaml uses it, built from YamlDotNet's parser events so every node keeps
// where it starts and ends in the text (YamlStream's collections do not keep their end): the
// validator names lines with it and ConfigDocument edits exactly the spans that change.

internal abstract record YamlTreeNode(Mark Start, Mark End);

internal sealed record YamlTreeScalar(string Value, ScalarStyle Style, Mark Start, Mark End) : YamlTreeNode(Start, End)
{
    /// <summary>An empty value (<c>key:</c>), <c>~</c> or <c>null</c>: the key is there but sets nothing.</summary>
    public bool IsNull => Style == ScalarStyle.Plain && Value is "" or "~" or "null" or "Null" or "NULL";
}

internal sealed record YamlTreePair(YamlTreeScalar Key, YamlTreeNode Value);

internal sealed record YamlTreeMap(bool Flow, IReadOnlyList<YamlTreePair> Pairs, Mark Start, Mark End) : YamlTreeNode(Start, End)
{
    public YamlTreePair? Find(string key) => Pairs.FirstOrDefault(p => p.Key.Value == key);
}

internal sealed record YamlTreeSeq(bool Flow, IReadOnlyList<YamlTreeNode> Items, Mark Start, Mark End) : YamlTreeNode(Start, End);

internal static class YamlTree
{
    // A valid file nests five deep (images, entry, lifecycle, keep_tags); a deep one is hostile.
    private const int MaxDepth = 16;

    /// <summary>The document's root, or null for an empty file (or one with only comments or <c>~</c>).</summary>
    public static YamlTreeNode? Load(string text, string source)
    {
        var parser = new Parser(new StringReader(text));
        try
        {
            parser.Consume<StreamStart>();
            if (parser.TryConsume<StreamEnd>(out _)) return null;
            parser.Consume<DocumentStart>();
            var root = Read(parser, source, 0);
            parser.Consume<DocumentEnd>();
            if (parser.Current is DocumentStart next)
                throw Error(source, next.Start, "only one YAML document is allowed");
            parser.Consume<StreamEnd>();
            return root is YamlTreeScalar { IsNull: true } ? null : root;
        }
        catch (YamlException e)
        {
            throw Error(source, e.Start, Sentence(e.Message));
        }
    }

    /// <summary>The offset just past a node's last character (a block collection's ends where its last item does).</summary>
    public static int ContentEnd(YamlTreeNode node) => node switch
    {
        YamlTreeMap { Flow: false, Pairs.Count: > 0 } map => ContentEnd(map.Pairs[^1].Value is YamlTreeScalar { IsNull: true, Value: "" } ? map.Pairs[^1].Key : map.Pairs[^1].Value),
        YamlTreeSeq { Flow: false, Items.Count: > 0 } seq => ContentEnd(seq.Items[^1]),
        _ => (int)node.End.Index,
    };

    private static YamlTreeNode Read(IParser parser, string source, int depth)
    {
        var current = parser.Current!;
        if (current is NodeEvent { Anchor.IsEmpty: false } || current is AnchorAlias)
            throw Error(source, current.Start, "anchors and aliases (&, *) are not allowed in s3lo.yaml");
        if (depth > MaxDepth) throw Error(source, current.Start, $"nested deeper than {MaxDepth} levels");
        switch (current)
        {
            case Scalar scalar:
                parser.MoveNext();
                return new YamlTreeScalar(scalar.Value, scalar.Style, scalar.Start, scalar.End);
            case SequenceStart start:
            {
                parser.MoveNext();
                var items = new List<YamlTreeNode>();
                while (parser.Current is not SequenceEnd) items.Add(Read(parser, source, depth + 1));
                var flow = start.Style == YamlDotNet.Core.Events.SequenceStyle.Flow;
                var end = CollectionEnd(parser.Current, flow);
                parser.MoveNext();
                return new YamlTreeSeq(flow, items, start.Start, end);
            }
            case MappingStart start:
            {
                parser.MoveNext();
                var pairs = new List<YamlTreePair>();
                while (parser.Current is not MappingEnd)
                {
                    if (Read(parser, source, depth + 1) is not YamlTreeScalar key)
                        throw Error(source, parser.Current!.Start, "keys must be plain names, not lists or mappings");
                    if (pairs.FirstOrDefault(p => p.Key.Value == key.Value) is { } first)
                        throw Error(source, key.Start, $"key '{key.Value}' appears twice (first on line {first.Key.Start.Line})");
                    pairs.Add(new YamlTreePair(key, Read(parser, source, depth + 1)));
                }
                var flow = start.Style == YamlDotNet.Core.Events.MappingStyle.Flow;
                var end = CollectionEnd(parser.Current, flow);
                parser.MoveNext();
                return new YamlTreeMap(flow, pairs, start.Start, end);
            }
            default:
                throw Error(source, current.Start, "unexpected YAML content");
        }
    }

    // A flow collection's end event sits on its closing bracket: the node ends just past it.
    private static Mark CollectionEnd(ParsingEvent end, bool flow) =>
        flow ? new Mark(end.Start.Index + 1, end.Start.Line, end.Start.Column + 1) : end.End;

    private static ConfigException Error(string source, Mark at, string message) =>
        new($"{source} line {at.Line}: {message}");

    // YamlDotNet's messages end in a period and start upper case; ours continue a sentence.
    private static string Sentence(string message)
    {
        var text = message.TrimEnd('.', ' ');
        return text.Length > 0 ? char.ToLowerInvariant(text[0]) + text[1..] : "not valid YAML";
    }
}
