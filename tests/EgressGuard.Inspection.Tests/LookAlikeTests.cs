using System.Text;

namespace EgressGuard.Inspection.Tests;

/// <summary>
/// Identifiers that look like PI: order and transaction numbers that pass Luhn in a card issuer range, UUIDs, hex
/// trace ids, short numbers. The early rejections and the order-number context must not cost recall on real values.
/// </summary>
public sealed class LookAlikeTests
{
    // Luhn-valid, UnionPay range, 19 digits: exactly what an order number in that range looks like one time in ten.
    private const string LuhnValid = "6222021234567890128";

    [Theory]
    [InlineData("order_id")]
    [InlineData("orderNo")]
    [InlineData("trade_no")]
    [InlineData("transactionId")]
    [InlineData("trace")]
    [InlineData("tracking_number")]
    [InlineData("订单号")]
    [InlineData("流水号")]
    public void JsonField_NamesAnotherIdentifier_LuhnValidNumberIsNotABankCard(string field)
    {
        var asString = Scan("{\"" + field + "\":\"" + LuhnValid + "\"}");
        var asNumber = Scan("{\"" + field + "\":" + LuhnValid + "}");

        Assert.DoesNotContain(asString, f => f.Type == PiiTypes.BankCard);
        Assert.DoesNotContain(asNumber, f => f.Type == PiiTypes.BankCard);
    }

    [Theory]
    [InlineData("card")]
    [InlineData("card_no")]
    [InlineData("银行卡号")]
    [InlineData("order_card")]
    [InlineData("value")]
    public void JsonField_CardOrNeutralName_LuhnValidNumberIsABankCard(string field)
    {
        var findings = Scan("{\"" + field + "\":\"" + LuhnValid + "\"}");

        var card = Assert.Single(findings, f => f.Type == PiiTypes.BankCard);
        Assert.Equal("body/json:$." + field, card.Location);
    }

    [Theory]
    [InlineData("订单号：" + LuhnValid + "，已发货")]
    [InlineData("Order no. " + LuhnValid + " shipped")]
    [InlineData("交易流水号 " + LuhnValid)]
    public void Text_OrderNumberLabel_LuhnValidNumberIsNotABankCard(string text) =>
        Assert.DoesNotContain(TestScanners.Find(text), f => f.Type == PiiTypes.BankCard);

    [Theory]
    [InlineData("订单支付银行卡号：" + LuhnValid)]
    [InlineData("Order paid with card " + LuhnValid)]
    [InlineData("请核实 " + LuhnValid)]
    public void Text_CardKeywordOrNoLabel_LuhnValidNumberIsABankCard(string text) =>
        Assert.Contains(TestScanners.Find(text), f => f.Type == PiiTypes.BankCard && f.Masked == "6222***********0128");

    [Theory]
    [InlineData("3fa85f64-5717-4562-b3fc-2c963f66afa6")]
    [InlineData("4bf92f3577b34da6a3ce929d0e0e4736")]
    [InlineData("11010519491231002X11010519491231002X")]
    [InlineData("0123456789012345678901234567890123456789")]
    [InlineData("13800138000138001380")]
    public void HexAndUuidShapes_AloneInJsonAndText_GiveNoFindings(string value)
    {
        Assert.Empty(Scan("{\"id\":\"" + value + "\"}"));
        Assert.Empty(TestScanners.Find("id " + value + " ok"));
    }

    [Theory]
    [InlineData("DE89370400440532013000", "iban")]
    [InlineData("de89370400440532013000", "iban")]
    [InlineData("GB82WEST12345698765432", "iban")]
    public void LongRuns_StartingWithCountryCode_StillReachTheIbanCheck(string value, string type)
    {
        Assert.Contains(Scan("{\"x\":\"" + value + "\"}"), f => f.Type == type);
        Assert.Contains(TestScanners.Find("account " + value + " ok"), f => f.Type == type);
    }

    [Theory]
    [InlineData("ORD6222021234567890128")]
    [InlineData("ord13800138000")]
    [InlineData("SKU110105194912310028")]
    [InlineData("reqA1B2C3D4E5F6A7B8C9D0")]
    public void LetterPrefixedIds_AloneInJsonAndText_GiveNoFindings(string value)
    {
        Assert.Empty(Scan("{\"card\":\"" + value + "\"}"));
        Assert.Empty(TestScanners.Find("卡号 " + value + " ok"));
    }

    [Theory]
    [InlineData("{\"mac\":\"ABC123456789\"}", "mac_address")]
    [InlineData("{\"card\":\"ORD 6222021234567890128\"}", "bank_card")]
    [InlineData("{\"id\":\"ORD 11010519491231002X\"}", "cn_resident_id")]
    [InlineData("{\"acct\":\"GB82WEST12345698765432\"}", "iban")]
    public void LetterPrefixedRuns_ThatHoldAnIdentifier_AreStillReported(string json, string type) =>
        Assert.Contains(Scan(json), f => f.Type == type);

    [Theory]
    [InlineData("{\"n\":1380013}", 0)]
    [InlineData("{\"v\":\"1.2.3\",\"w\":\"a-b_c\"}", 0)]
    [InlineData("{\"ip\":\"::1\"}", 1)]
    [InlineData("{\"name\":\"Li Lei\"}", 1)]
    [InlineData("{\"name\":\"张三\"}", 1)]
    [InlineData("{\"e\":\"a@b.cn\"}", 1)]
    public void ShortValues_OnlyThoseThatCanHoldPi_AreReported(string json, int expected) =>
        Assert.Equal(expected, Scan(json).Count);

    private static IReadOnlyList<PiiFinding> Scan(string json) =>
        TestScanners.Default.Scan(Encoding.UTF8.GetBytes(json), new ContentDescriptor("application/json")).Findings;
}
