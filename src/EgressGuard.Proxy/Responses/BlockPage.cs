using System.Globalization;
using System.Net;
using System.Text;
using EgressGuard.Policy.Decisions;
using EgressGuard.Proxy.Flows;

namespace EgressGuard.Proxy.Responses;

/// <summary>
/// The page a person sees when the box refuses a request: what was refused, why (reason code),
/// where it was going, and the reference id to quote. Every value is HTML-encoded: the host comes
/// from the client and must not become markup.
/// </summary>
public static class BlockPage
{
    /// <summary>A short human explanation per reason, in Chinese and English.</summary>
    public static string Explain(ReasonCode reason) => reason switch
    {
        ReasonCode.NoAssessment => "出境目的地没有已登记的安全评估、标准合同或认证记录。 No recorded security assessment, standard contract or certification covers this cross-border destination.",
        ReasonCode.AssessmentExpired => "覆盖该目的地的出境记录已过期。 The record covering this destination has expired.",
        ReasonCode.AssessmentNotYetValid => "覆盖该目的地的出境记录尚未生效。 The record covering this destination is not yet in force.",
        ReasonCode.PrivateDestination => "不允许通过代理访问内网、环回或云元数据地址。 Internal, loopback and cloud-metadata addresses are not reachable through the proxy.",
        ReasonCode.ClientNotAllowed => "该客户端地址无权使用此代理。 This client address may not use the proxy.",
        ReasonCode.PortNotAllowed => "不允许隧道连接到该端口。 Tunnels to this port are not allowed.",
        ReasonCode.DestinationUnresolvable => "无法解析目的地域名。 The destination name could not be resolved.",
        ReasonCode.UpstreamUnreachable => "无法连接目的地服务器。 The destination server could not be reached.",
        ReasonCode.CategoryNotCovered => "出境记录未涵盖本次请求中发现的个人信息类别。 The record for this destination does not cover the personal-information categories found in this request.",
        ReasonCode.NoPersonalInformation => "未发现个人信息。 No personal information was found.",
        ReasonCode.LedgerUnavailable => "审计日志暂时无法记录，出境传输已暂停。 The transfer log cannot record right now, so cross-border transfers are paused.",
        ReasonCode.TunnelLimitReached => "代理并发隧道已达上限，请稍后重试。 The proxy's tunnel limit is reached; try again later.",
        ReasonCode.UpstreamCertificateInvalid => "目的地服务器的证书无效、已过期、已吊销或与域名不符，连接未建立。 The destination server's certificate is invalid, expired, revoked, untrusted or for another name; nothing was sent.",
        _ => reason.ToString(),
    };

    /// <summary>Renders the page for a refused or failed flow.</summary>
    public static byte[] Render(FlowDecision flow, int status)
    {
        var reason = flow.Decision.Reason;
        var sb = new StringBuilder(2048);
        sb.Append("<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>EgressGuard: ")
          .Append(status.ToString(CultureInfo.InvariantCulture)).Append(' ').Append(reason)
          .Append("</title><style>body{font-family:sans-serif;max-width:44em;margin:3em auto;color:#222}dt{font-weight:bold}code{background:#eee;padding:0 .2em}</style></head><body>")
          .Append("<h1>")
          .Append(status == 403 ? "请求已被拦截 · Request blocked" : "请求未能完成 · Request failed")
          .Append("</h1><p>").Append(WebUtility.HtmlEncode(Explain(reason))).Append("</p><dl>")
          .Append("<dt>原因 Reason</dt><dd><code>").Append(reason).Append("</code></dd>")
          .Append("<dt>目的地 Destination</dt><dd>").Append(WebUtility.HtmlEncode(flow.Host)).Append(':')
          .Append(flow.Port.ToString(CultureInfo.InvariantCulture))
          .Append(flow.Destination is null ? string.Empty : " (" + flow.Destination + ")").Append("</dd>")
          .Append("<dt>国家/地区 Country</dt><dd>").Append(flow.Country ?? "unknown").Append("</dd>")
          .Append(FindingsHtml(flow))
          .Append("<dt>参考编号 Reference</dt><dd><code>").Append(flow.Id.ToString("D")).Append("</code></dd>")
          .Append("</dl><p>如认为有误，请将参考编号提供给安全团队。 If you think this is wrong, give the reference to your security team.</p></body></html>\n");
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    /// <summary>The personal-information types found (comma-separated), or null when none.</summary>
    public static string? FindingTypes(FlowDecision flow)
    {
        if (flow.Findings is not { Count: > 0 } findings)
        {
            return null;
        }

        var types = new List<string>();
        foreach (var finding in findings)
        {
            if (finding.Personal && !types.Contains(finding.Type))
            {
                types.Add(finding.Type);
            }
        }

        return types.Count == 0 ? null : string.Join(',', types);
    }

    private static string FindingsHtml(FlowDecision flow)
    {
        var summaries = FlowDecider.Summarize(flow.Findings);
        if (summaries.Count == 0)
        {
            return string.Empty;
        }

        var sb = new StringBuilder("<dt>发现的个人信息 Personal information found</dt><dd><ul>");
        foreach (var s in summaries)
        {
            sb.Append("<li><code>").Append(WebUtility.HtmlEncode(s.Type)).Append("</code> × ")
              .Append(s.Count.ToString(CultureInfo.InvariantCulture))
              .Append(s.Sensitive ? " (敏感 sensitive)" : string.Empty)
              .Append(", e.g. <code>").Append(WebUtility.HtmlEncode(s.Masked)).Append("</code></li>");
        }

        return sb.Append("</ul></dd>").ToString();
    }

    /// <summary>A plain-text body for answers written at the connection layer (CONNECT refusals).</summary>
    public static string RenderText(FlowDecision flow) =>
        $"EgressGuard refused the tunnel.\nreason: {flow.Decision.Reason}\ndestination: {flow.Host}:{flow.Port}\ncountry: {flow.Country ?? "unknown"}\nreference: {flow.Id:D}\n{Explain(flow.Decision.Reason)}\n";
}
