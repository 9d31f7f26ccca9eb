namespace EgressGuard.Policy.Assessments;

/// <summary>Why an <see cref="TransferMechanism.Exempt"/> record needs no assessment, contract or certification (2024 provisions, Art. 5).</summary>
public enum ExemptBasis
{
    /// <summary>Necessary to conclude or perform a contract the individual is party to; applies at any volume.</summary>
    Contract = 1,

    /// <summary>Necessary for cross-border human-resources management; applies at any volume.</summary>
    HumanResources,

    /// <summary>Necessary to protect life, health or property in an emergency; applies at any volume.</summary>
    Emergency,

    /// <summary>Fewer than the first threshold (100,000 by default) non-sensitive individuals since 1 January, and no sensitive personal information.</summary>
    BelowThreshold,
}
