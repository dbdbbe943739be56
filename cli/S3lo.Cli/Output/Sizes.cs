using System.Globalization;

namespace S3lo.Cli.Output;

public static class Sizes
{
    /// <summary>Decimal units like docker prints them: 3.9 MB, 1.2 GB.</summary>
    public static string Human(long bytes)
    {
        string[] units = ["B", "kB", "MB", "GB", "TB"];
        double value = bytes;
        var unit = 0;
        while (value >= 1000 && unit < units.Length - 1)
        {
            value /= 1000;
            unit++;
        }
        return unit == 0
            ? $"{bytes} B"
            : value.ToString(value < 10 ? "0.0" : "0", CultureInfo.InvariantCulture) + " " + units[unit];
    }
}
