using System.Text;

namespace EgressGuard.Inspection.Tests;

/// <summary>
/// Labelled values published by python-stdnum, validator.js, presidio, hutool, libphonenumber, any-rule and
/// cn-pii-bench: valid ones are found as their type standing alone and inside Chinese and English sentences;
/// invalid ones are not reported as that type. Disagreements are listed with a reason in exceptions.tsv.
/// </summary>
public sealed class VectorTests
{
    public static TheoryData<string, string, string, string> Files => new()
    {
        { "cn_resident_id_18.tsv", PiiTypes.CnResidentId, "身份证号", "ID card no." },
        { "cn_resident_id_15.tsv", PiiTypes.CnResidentId, "身份证号", "ID card no." },
        { "cn_permit_18digit.tsv", PiiTypes.CnResidentId, "居住证号码", "residence permit id card" },
        { "cn_mobile.tsv", PiiTypes.CnMobile, "手机号", "mobile" },
        { "cn_mobile_disputed.tsv", PiiTypes.CnMobile, "手机号", "mobile" },
        { "cn_landline.tsv", PiiTypes.CnLandline, "联系电话", "phone" },
        { "cn_bank_card.tsv", PiiTypes.BankCard, "银行卡号", "card number" },
        { "credit_card.tsv", PiiTypes.BankCard, "银行卡号", "card number" },
        { "unionpay_card.tsv", PiiTypes.BankCard, "银行卡号", "card number" },
        { "cn_passport.tsv", PiiTypes.CnPassport, "护照号码", "passport no." },
        { "cn_uscc.tsv", PiiTypes.CnUscc, "统一社会信用代码", "credit code" },
        { "hk_id.tsv", PiiTypes.HkId, "香港身份证", "HKID" },
        { "tw_national_id.tsv", PiiTypes.TwId, "身分證字號", "Taiwan ID" },
        { "mo_id.tsv", PiiTypes.MoId, "澳门身份证", "Macau ID" },
        { "email.tsv", PiiTypes.Email, "邮箱", "email" },
        { "ipv4.tsv", PiiTypes.IpAddress, "IP地址", "IP" },
        { "ipv6.tsv", PiiTypes.IpAddress, "IP地址", "IP" },
        { "imei.tsv", PiiTypes.Imei, "设备IMEI", "IMEI" },
        { "mac.tsv", PiiTypes.MacAddress, "MAC地址", "MAC" },
        { "iban.tsv", PiiTypes.Iban, "收款账户IBAN", "IBAN" },
        { "us_ssn.tsv", PiiTypes.UsSsn, "SSN", "SSN" },
        { "cn_license_plate.tsv", PiiTypes.CnLicensePlate, "车牌", "plate" },
    };

    [Theory]
    [MemberData(nameof(Files))]
    public void LabelledValues_StandingAloneAndInSentences_MatchLabelsOrDocumentedExceptions(string file, string type, string zhKeyword, string enKeyword)
    {
        var failures = new List<string>();
        foreach (var v in PiiVectors.Load(file))
        {
            PiiVectors.Exceptions.TryGetValue((file, v.Value), out var exception);
            var mode = exception?.Mode;
            var alone = Whole(v.Value, type);
            var any = TestScanners.Find(v.Value).Any(f => f.Type == type);
            var zh = InSentence("客户" + zhKeyword + "：", v.Value, "，请核实。", type);
            var en = InSentence("Customer " + enKeyword + ": ", v.Value, ". Please verify.", type);
            if (v.Valid)
            {
                switch (mode)
                {
                    case null when !(alone && zh && en):
                        failures.Add($"valid not found [{v.Value}] alone={alone} zh={zh} en={en} ({v.Source})");
                        break;
                    case "context_only" when alone || !(zh && en):
                        failures.Add($"context_only mismatch [{v.Value}] alone={alone} zh={zh} en={en}");
                        break;
                    case "not_found" when any || zh || en:
                        failures.Add($"not_found but found [{v.Value}]");
                        break;
                    case "substring" when alone || !any:
                        failures.Add($"substring mismatch [{v.Value}] alone={alone} any={any}");
                        break;
                }
            }
            else
            {
                switch (mode)
                {
                    case null when any:
                        failures.Add($"invalid but reported [{v.Value}] ({v.Source})");
                        break;
                    case "found" when !alone:
                        failures.Add($"exception says found but not [{v.Value}]");
                        break;
                    case "substring" when alone || !any:
                        failures.Add($"exception says substring but alone={alone} any={any} [{v.Value}]");
                        break;
                }
            }
        }

        Assert.True(failures.Count == 0, file + ":\n" + string.Join("\n", failures));
    }

    [Fact]
    public void ExceptionsFile_EveryEntry_NamesAVectorAndGivesAReason()
    {
        foreach (var e in PiiVectors.Exceptions.Values)
        {
            Assert.Contains(PiiVectors.Load(e.File), v => v.Value == e.Value);
            Assert.Contains(e.Mode, new[] { "context_only", "not_found", "found", "substring" });
            Assert.True(e.Reason.Length > 10, e.Value);
        }
    }

    private static bool Whole(string value, string type) =>
        TestScanners.Find(value).Any(f => f.Type == type && f.Start == 0 && f.Length == Encoding.UTF8.GetByteCount(value));

    private static bool InSentence(string before, string value, string after, string type)
    {
        var text = before + value + after;
        var start = Encoding.UTF8.GetByteCount(before);
        return TestScanners.Find(text).Any(f => f.Type == type && f.Start == start && f.Length == Encoding.UTF8.GetByteCount(value));
    }
}
