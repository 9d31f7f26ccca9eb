using System.Buffers;
using System.Collections.Frozen;
using System.Text;
using EgressGuard.Inspection.Scanning;

namespace EgressGuard.Inspection.Detectors;

/// <summary>
/// <c>person_name</c>, by context only: the value of a name field (姓名, 收件人, name, receiver…) or the text after
/// a name label and a colon. A Chinese name is 2–4 Han characters starting with a common surname (single or
/// compound); in a name field a romanised name of 2–3 capitalised words is also taken, with lower confidence.
/// </summary>
internal static class PersonNameDetector
{
    private const string Surnames =
        "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫杭况那宿鲜印逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植衡富尧闭由";

    private static readonly FrozenSet<char> SingleSurnames = Surnames.ToFrozenSet();

    private static readonly FrozenSet<string> CompoundSurnames = new[]
    {
        "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐", "长孙", "宇文", "司徒", "夏侯", "端木", "独孤", "南宫", "西门", "轩辕", "呼延",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Whether the whole (trimmed) field value is a name; returns its byte range within the value.</summary>
    public static bool TryMatchValue(ReadOnlySpan<byte> value, out int start, out int length, out float confidence)
    {
        start = 0;
        while (start < value.Length && value[start] is (byte)' ' or (byte)'\t')
        {
            start++;
        }

        var end = value.Length;
        while (end > start && value[end - 1] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
        {
            end--;
        }

        length = end - start;
        var trimmed = value[start..end];
        if (HanNameLength(trimmed) == trimmed.Length && trimmed.Length > 0)
        {
            confidence = 0.85f;
            return true;
        }

        confidence = 0.6f;
        return IsRomanisedName(trimmed);
    }

    /// <summary>Length in bytes of a Chinese name at the start of <paramref name="text"/> (free text after a label), or 0.</summary>
    public static int HanNameLength(ReadOnlySpan<byte> text)
    {
        Span<char> chars = stackalloc char[5];
        var count = 0;
        var bytes = 0;
        while (count < 5 && bytes < text.Length)
        {
            if (Rune.DecodeFromUtf8(text[bytes..], out var rune, out var consumed) != OperationStatus.Done || !IsHan(rune.Value))
            {
                break;
            }

            chars[count++] = (char)rune.Value;
            bytes += consumed;
        }

        if (count is < 2 or > 4)
        {
            return 0;
        }

        if (SingleSurnames.Contains(chars[0]))
        {
            return bytes;
        }

        return count >= 3 && CompoundSurnames.Contains(new string(chars[..2])) ? bytes : 0;
    }

    private static bool IsHan(int cp) => cp is >= 0x4E00 and <= 0x9FFF;

    private static bool IsRomanisedName(ReadOnlySpan<byte> s)
    {
        if (s.Length is < 4 or > 40)
        {
            return false;
        }

        var words = 0;
        var atWordStart = true;
        foreach (var b in s)
        {
            if (b == ' ')
            {
                if (atWordStart)
                {
                    return false;
                }

                atWordStart = true;
                continue;
            }

            if (!CharFold.IsLetter(b) && b is not (byte)'-' and not (byte)'\'')
            {
                return false;
            }

            if (atWordStart)
            {
                if (b is < (byte)'A' or > (byte)'Z')
                {
                    return false;
                }

                words++;
                atWordStart = false;
            }
        }

        return words is 2 or 3;
    }
}
