using S3lo.Core.Storage;
using S3lo.Core.TempFiles;
using S3lo.Providers.Local;
using S3lo.Tests.Shared.Contracts;

namespace S3lo.Core.Tests.Storage;

/// <summary>The incomplete-uploads contract on local://: the write temp a killed put leaves in .s3lo-tmp/ (closed, so unlocked).</summary>
public sealed class LocalIncompleteUploadsContractTests : IncompleteUploadsContract
{
    private TempDir? _dir;

    protected override Task<IObjectStore> OpenFreshStoreAsync()
    {
        _dir = new TempDir("uploads-contract");
        return Task.FromResult<IObjectStore>(new LocalObjectStore(_dir.Sub("root")));
    }

    protected override Task DeleteFreshStoreAsync()
    {
        _dir?.Dispose();
        return Task.CompletedTask;
    }

    protected override Task LeaveIncompleteUploadAsync(string key)
    {
        var staging = ((LocalObjectStore)Store).StagingDirectory;
        using var file = new FileStream(Path.Combine(staging, Guid.NewGuid().ToString("N")), PrivateTemp.NewFile(4096, FileOptions.None));
        file.Write(Bytes.Random(1024, seed: 1));
        return Task.CompletedTask;
    }
}
