namespace EgressGuard.Policy.Assessments;

/// <summary>The legal mechanism a record relies on (PIPL Art. 38; 2024 cross-border provisions).</summary>
public enum TransferMechanism
{
    /// <summary>CAC security assessment (Security Assessment Measures, 2022); valid three years.</summary>
    SecurityAssessment = 1,

    /// <summary>Standard contract filed with the provincial CAC (Standard Contract Measures, 2023).</summary>
    StandardContract,

    /// <summary>Personal information protection certification (Certification Measures, in force 2026-01-01); valid three years.</summary>
    Certification,

    /// <summary>An exemption under the 2024 provisions (contract with the individual, HR, emergencies, below threshold); still recorded.</summary>
    Exempt,
}
