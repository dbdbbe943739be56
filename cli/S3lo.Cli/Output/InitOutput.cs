using S3lo.Core.Init;

namespace S3lo.Cli.Output;

/// <summary>What init did, for --output json|yaml.</summary>
public sealed record InitSummary
{
    public required string Store { get; init; }
    public bool Created { get; init; }
    public string? Location { get; init; }
    /// <summary>What the bucket held before: empty, store or other.</summary>
    public required string Contents { get; init; }
    public bool ConfigWritten { get; init; }
    public required InitAccess Access { get; init; }

    public static InitSummary From(string store, InitReport report) => new()
    {
        Store = store,
        Created = report.Created,
        Location = report.Location,
        Contents = report.Contents.ToString().ToLowerInvariant(),
        ConfigWritten = report.ConfigWritten,
        Access = new InitAccess(Read: true, Write: true, Delete: report.CanDelete, DeleteError: report.DeleteRefused),
    };
}

public sealed record InitAccess(bool Read, bool Write, bool Delete, string? DeleteError);

/// <summary>The text lines of init: the store, its access, its config, and the verdict.</summary>
public static class InitText
{
    public static void Write(string store, InitReport report)
    {
        var location = report.Location is { Length: > 0 } known ? known : null;
        Console.WriteLine(report.Created
            ? $"store:  created {store}" + (location is null ? "" : $" in {location}")
            : report.Contents switch
            {
                StoreContents.Store => $"store:  {store} is already a store",
                StoreContents.Other => $"store:  {store} holds other objects; made a store of it anyway (--force)",
                _ => $"store:  {store} exists and is empty",
            } + (location is null ? "" : $" ({location})"));
        Console.WriteLine(report.CanDelete ? "access: read, write and delete work" : "access: read and write work; delete was refused");
        Console.WriteLine(report.ConfigWritten ? "config: wrote the default s3lo.yaml" : "config: kept the existing s3lo.yaml");
        Console.WriteLine($"initialized {store}");
    }
}
