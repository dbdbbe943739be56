namespace S3lo.Core.Config;

/// <summary>
/// A flow mapping (<c>{keep_last: 5, max_age: 7d}</c>) held as its pairs' original text, so an edit
/// inside it re-renders it with every untouched key and value written exactly as before.
/// </summary>
internal sealed class FlowMap
{
    private readonly List<Pair> _pairs = [];

    public bool IsEmpty => _pairs.Count == 0;

    public static FlowMap From(YamlTreeMap map, string text)
    {
        var flow = new FlowMap();
        foreach (var pair in map.Pairs)
        {
            flow._pairs.Add(new Pair(pair.Key.Value, Slice(text, pair.Key))
            {
                Raw = pair.Value is YamlTreeScalar { IsNull: true } ? null : Slice(text, pair.Value),
                Map = pair.Value is YamlTreeMap child ? From(child, text) : null,
            });
        }
        return flow;
    }

    /// <summary>Sets the value at <paramref name="path"/> (creating the mappings on the way) to the YAML text <paramref name="value"/>.</summary>
    public FlowMap Set(ReadOnlySpan<string> path, string value)
    {
        var key = path[0];
        var pair = _pairs.FirstOrDefault(p => p.Key == key);
        if (pair is null)
        {
            pair = new Pair(path[0], YamlText.Scalar(path[0]));
            _pairs.Add(pair);
        }
        if (path.Length == 1)
        {
            pair.Raw = value;
            pair.Map = null;
        }
        else
        {
            pair.Map ??= new FlowMap();
            pair.Map.Set(path[1..], value);
        }
        return this;
    }

    /// <summary>Removes the value at <paramref name="path"/>, and any mapping that holds nothing after it; false when it was not set.</summary>
    public bool Remove(ReadOnlySpan<string> path)
    {
        var key = path[0];
        var pair = _pairs.FirstOrDefault(p => p.Key == key);
        if (pair is null) return false;
        if (path.Length > 1)
        {
            if (pair.Map is null || !pair.Map.Remove(path[1..])) return false;
            if (!pair.Map.IsEmpty) return true;
        }
        _pairs.Remove(pair);
        return true;
    }

    public string Render() =>
        "{" + string.Join(", ", _pairs.Select(p => $"{p.KeyText}: {p.Map?.Render() ?? p.Raw}")) + "}";

    private static string Slice(string text, YamlTreeNode node) =>
        text[(int)node.Start.Index..(int)node.End.Index];

    private sealed class Pair(string key, string keyText)
    {
        public string Key { get; } = key;
        public string KeyText { get; } = keyText;

        /// <summary>The value's text as written; null for an empty value.</summary>
        public string? Raw { get; set; }

        /// <summary>Set when the value is a mapping: edits go inside it.</summary>
        public FlowMap? Map { get; set; }
    }
}
