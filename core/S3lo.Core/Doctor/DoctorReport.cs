namespace S3lo.Core.Doctor;

/// <summary>What doctor checked and found; errors first, each group in a stable order.</summary>
/// <param name="Orphans">Blobs no tag references (the orphan warning's detail).</param>
/// <param name="BytesRehashed">With --deep, the bytes read and hashed; else null.</param>
public sealed record DoctorReport(IReadOnlyList<DoctorFinding> Findings, int Tags, int Blobs, IReadOnlyList<OrphanBlob> Orphans, long? BytesRehashed)
{
    public int Errors => Findings.Count(f => f.Severity == DoctorSeverity.Error);

    public int Warnings => Findings.Count(f => f.Severity == DoctorSeverity.Warning);
}

public sealed record OrphanBlob(string Digest, long Size);

public sealed record DoctorOptions
{
    /// <summary>Re-hash every blob (reads the whole bucket).</summary>
    public bool Deep { get; init; }

    /// <summary>Requests in flight while reading manifests: a bucket walk is round trips, not bytes.</summary>
    public int Parallelism { get; init; } = 16;

    /// <summary>Blobs hashed at once with <see cref="Deep"/>: these are whole downloads.</summary>
    public int HashParallelism { get; init; } = 4;

    /// <summary>How the user names the bucket, for the commands a fix suggests.</summary>
    public string BucketName { get; init; } = "BUCKET";
}

/// <summary>A phase and how far it got (<paramref name="Total"/> when known).</summary>
public sealed record DoctorProgress(string Phase, long Done, long? Total = null);
