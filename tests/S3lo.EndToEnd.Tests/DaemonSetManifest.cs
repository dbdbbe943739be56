using YamlDotNet.RepresentationModel;

namespace S3lo.EndToEnd.Tests;

/// <summary>deploy/daemonset.yaml parsed (every document), with the serve container's parts the tests read.</summary>
public sealed class DaemonSetManifest
{
    public static string FilePath => Path.Combine(Repo.Root, "deploy", "daemonset.yaml");

    public DaemonSetManifest()
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(FilePath)) stream.Load(reader);
        Documents = stream.Documents.Select(d => (YamlMappingNode)d.RootNode).ToList();
        PodSpec = Map(Kind("DaemonSet"), "spec", "template", "spec");
        Serve = Seq(PodSpec, "containers").Cast<YamlMappingNode>().Single(c => Text(c, "name") == "serve");
    }

    public IReadOnlyList<YamlMappingNode> Documents { get; }
    public YamlMappingNode PodSpec { get; }
    public YamlMappingNode Serve { get; }

    /// <summary>The serve container's args, a fresh copy to edit.</summary>
    public List<string> Args() => Seq(Serve, "args").Cast<YamlScalarNode>().Select(s => s.Value!).ToList();

    /// <summary>The serve container's plain env entries (name, value).</summary>
    public IEnumerable<(string Name, string Value)> Env() =>
        Seq(Serve, "env").Cast<YamlMappingNode>().Select(e => (Text(e, "name"), Text(e, "value")));

    public static string FlagValue(List<string> args, string flag)
    {
        var i = args.IndexOf(flag);
        Assert.That(i, Is.GreaterThan(0), $"no {flag} in {string.Join(' ', args)}");
        return args[i + 1];
    }

    public YamlMappingNode Kind(string kind) => Documents.Single(d => Text(d, "kind") == kind);

    public static YamlMappingNode Map(YamlMappingNode node, params string[] path) =>
        path.Aggregate(node, (n, key) => (YamlMappingNode)n.Children[new YamlScalarNode(key)]);

    public static YamlSequenceNode Seq(YamlMappingNode node, string key) => (YamlSequenceNode)node.Children[new YamlScalarNode(key)];

    public static string Text(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? ((YamlScalarNode)value).Value ?? "" : "";
}
