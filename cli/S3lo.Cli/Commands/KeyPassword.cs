using System.Text;
using S3lo.Core.Errors;

namespace S3lo.Cli.Commands;

/// <summary>
/// The password of a key file, as cosign gets it: COSIGN_PASSWORD when set (an empty value is an empty password),
/// else typed at the terminal without echo; with neither (CI without the variable) a usage error, never a hang.
/// </summary>
internal static class KeyPassword
{
    public const string Variable = "COSIGN_PASSWORD";

    /// <summary>For a new key (keygen): typed twice, and both must match.</summary>
    public static string ForNewKey()
    {
        if (FromEnvironment() is { } set) return set;
        RequireTerminal("keygen needs a password for the private key");
        var first = Prompt("Enter password for private key: ");
        var again = Prompt("Enter password for private key again: ");
        if (first != again) throw new UsageException("the passwords do not match; no key was written");
        return first;
    }

    /// <summary>For an existing encrypted key file: typed once.</summary>
    public static string ForKey(string path)
    {
        if (FromEnvironment() is { } set) return set;
        RequireTerminal($"key file {path} is encrypted and needs its password");
        return Prompt($"Enter password for private key {path}: ");
    }

    /// <summary>For verify given a private key: its public half is derived when the password is at hand.</summary>
    public static string ForPublicHalf(string path)
    {
        if (FromEnvironment() is { } set) return set;
        if (Console.IsInputRedirected)
            throw new UsageException($"key file {path} is an encrypted private key: verify needs its public key",
                $"pass the .pub file 'keygen' wrote beside it (or set {Variable} to open this one)");
        return Prompt($"Enter password for private key {path}: ");
    }

    private static string? FromEnvironment() => Environment.GetEnvironmentVariable(Variable);

    private static void RequireTerminal(string what)
    {
        if (Console.IsInputRedirected)
            throw new UsageException($"{what}, and there is no terminal to ask on", $"set {Variable} (an empty value means no password)");
    }

    // Read key by key without echo; the line ends at Enter. Prompt and newline go to stderr, stdout stays the command's.
    private static string Prompt(string prompt)
    {
        Console.Error.Write(prompt);
        var text = new StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter) break;
            if (key.Key == ConsoleKey.Backspace)
            {
                if (text.Length > 0) text.Length--;
                continue;
            }
            if (key.KeyChar != '\0') text.Append(key.KeyChar);
        }
        Console.Error.WriteLine();
        return text.ToString();
    }
}
