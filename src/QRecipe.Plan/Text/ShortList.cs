using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace QRecipe.Plan.Text;

/// <summary>
/// Lists inside messages, cut to their first items: a file can make a list as long as it likes (a checkpoint with a
/// million unexpected keys, a shape with thousands of dimensions), and a message must stay readable and small.
/// Every message that lists things from user input goes through <see cref="Join{T}"/>.
/// </summary>
public static class ShortList
{
    /// <summary>How many items a message shows by default.</summary>
    public const int DefaultMax = 10;

    /// <summary>The first <paramref name="max"/> items joined by <paramref name="separator"/>, then, when there are
    /// more, the separator and <c>… and 999,990 more</c>. Items are formatted by <paramref name="format"/> (default
    /// ToString); the rest of the sequence is only counted.</summary>
    public static string Join<T>(string separator, IEnumerable<T> items, int max = DefaultMax, Func<T, string>? format = null)
    {
        var text = new StringBuilder();
        long count = 0;
        foreach (var item in items)
        {
            if (count < max)
            {
                if (count > 0)
                    text.Append(separator);
                text.Append(format is null ? Convert.ToString(item, CultureInfo.InvariantCulture) : format(item));
            }
            count++;
        }
        if (count > max)
            text.Append(separator).Append(string.Format(CultureInfo.InvariantCulture, "… and {0:N0} more", count - max));
        return text.ToString();
    }
}
