namespace StorybookShop.Billing;

/// <summary>
/// What the app charges merchants, through Shopify's Billing API: plans with a monthly price, books included each
/// 30-day period, a price per book beyond them up to a cap the merchant approves, trial days and a preview
/// allowance. <see cref="Enforce"/> off lets every shop generate without a plan (local use, tests of other areas).
/// </summary>
public sealed class BillingOptions
{
    public const string Section = "Billing";

    /// <summary>No active subscription (or trial) → no new books. The local development shop is never
    /// charged.</summary>
    public bool Enforce { get; set; } = true;

    /// <summary>Test charges (Shopify bills nothing): true always, false never, empty = on development stores
    /// (<c>shop.plan.partnerDevelopment</c>).</summary>
    public bool? Test { get; set; }

    /// <summary>How long a shop's subscription state is believed before it is read from Shopify again (besides the
    /// webhooks and every admin load).</summary>
    public TimeSpan RecheckAfter { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The app's handle in the Shopify admin (shopify.app.toml <c>handle</c>): where the approval
    /// returns.</summary>
    public string AppHandle { get; set; } = "storybookshop";

    /// <summary>The plans a merchant chooses from, by handle.</summary>
    public List<Plan> Plans { get; set; } = [];

    public sealed class Plan
    {
        public string Handle { get; set; } = "";
        public string Name { get; set; } = "";

        /// <summary>The monthly (every 30 days) price.</summary>
        public decimal MonthlyPrice { get; set; }
        public string Currency { get; set; } = "USD";

        /// <summary>Books sold per period that the monthly price covers.</summary>
        public int IncludedBooks { get; set; }

        /// <summary>The usage charge for each book sold beyond the included ones.</summary>
        public decimal PricePerBook { get; set; }

        /// <summary>The most usage charges a period may reach (the merchant approves it, and may raise it).</summary>
        public decimal CappedAmount { get; set; }
        public int TrialDays { get; set; }

        /// <summary>Storefront previews (books started, paid for or not) a period allows; they are not
        /// charged.</summary>
        public int PreviewAllowance { get; set; }

        /// <summary>The usage terms the merchant approves.</summary>
        public string Terms =>
            string.Create(
                System.Globalization.CultureInfo.InvariantCulture,
                $"{IncludedBooks} books a month included; then {PricePerBook:0.00} {Currency} per book sold, "
                    + $"up to the approved cap."
            );
    }

    public Plan? Find(string? handle) => Plans.FirstOrDefault(p => p.Handle == handle);
}
