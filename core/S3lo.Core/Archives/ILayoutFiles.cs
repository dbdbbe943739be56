namespace S3lo.Core.Archives;

/// <summary>Files of an OCI image layout by their '/'-separated names: a directory or a tar.</summary>
internal interface ILayoutFiles
{
    /// <summary>The size of the regular file of that name; null when there is none.</summary>
    Task<long?> SizeAsync(string name, CancellationToken ct);

    /// <summary>Opens the file for reading; a <see cref="Errors.NotFoundException"/> when it is absent.</summary>
    Task<Stream> OpenAsync(string name, CancellationToken ct);
}
