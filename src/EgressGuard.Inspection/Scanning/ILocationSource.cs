namespace EgressGuard.Inspection.Scanning;

/// <summary>Describes where the current segment is (e.g. <c>body/json:$.user.idCard</c>); asked only when a finding occurs.</summary>
internal interface ILocationSource
{
    string DescribeLocation();
}
