//! The v4 wire-string enums, each keeping values it does not know in `Unknown(String)`.

use crate::model::enums::string_enum;

string_enum! {
    /// An OAuth2 scope of the v4 API, spelled as GoPay spells it (`payment:write`).
    pub enum Scope {
        /// Create, charge and refund payments.
        PaymentWrite = "payment:write",
        /// Read payments, charges and refunds.
        PaymentRead = "payment:read",
        /// Tokenise cards and delete card tokens.
        CardWrite = "card:write",
        /// Read card tokens.
        CardRead = "card:read",
        /// Public information: the card public key and the card-form URL.
        SharedRead = "shared:read",
        /// Charge one payment (payment-credentials tokens only).
        PaymentCharge = "payment:charge",
    }
}

string_enum! {
    /// State of a charge (`state` of a charge answer).
    pub enum ChargeState {
        /// Initiated.
        Requested = "REQUESTED",
        /// At the provider.
        Processing = "PROCESSING",
        /// The customer must act: see [`Charge::action`](crate::v4::Charge::action).
        ActionRequired = "ACTION_REQUIRED",
        /// Succeeded.
        Succeeded = "SUCCEEDED",
        /// Failed; [`fail_reason`](crate::v4::Charge::fail_reason) may say why.
        Failed = "FAILED",
    }
}

string_enum! {
    /// State of an EMV 3-D Secure authentication (`action.state`).
    pub enum ThreeDsState {
        /// Initiated.
        Created = "CREATED",
        /// The customer must complete a challenge at the action's `redirect_url`.
        ChallengeRequired = "CHALLENGE_REQUIRED",
        /// Authenticated through a challenge.
        AuthenticatedChallenge = "AUTHENTICATED_CHALLENGE",
        /// Authenticated without a challenge.
        AuthenticatedFrictionless = "AUTHENTICATED_FRICTIONLESS",
        /// Not authenticated.
        NotAuthenticated = "NOT_AUTHENTICATED",
        /// The authentication failed.
        Failed = "FAILED",
    }
}

string_enum! {
    /// Kind of a customer action (`action.action_type`).
    pub enum ActionType {
        /// EMV 3-D Secure authentication.
        Emv3ds = "EMV3DS",
    }
}

string_enum! {
    /// The customer's preference for a 3-D Secure challenge (`challenge_preference`).
    pub enum ChallengePreference {
        /// Let GoPay decide.
        Auto = "AUTO",
        /// Prefer a challenge.
        ChallengePreferred = "CHALLENGE_PREFERRED",
        /// Prefer no challenge.
        NoChallengePreferred = "NO_CHALLENGE_PREFERRED",
    }
}

string_enum! {
    /// How a card was given to a charge (`input_type`).
    pub enum InputType {
        /// A permanent card token.
        CardToken = "CARD_TOKEN",
        /// An encrypted card payload from GoPay's card form.
        EncryptedCard = "ENCRYPTED_CARD",
        /// A Google Pay token.
        GooglePay = "GOOGLE_PAY",
        /// An Apple Pay token.
        ApplePay = "APPLE_PAY",
    }
}

string_enum! {
    /// The instrument of a charge (`payment_instrument`).
    pub enum ChargeInstrument {
        /// A payment card.
        PaymentCard = "PAYMENT_CARD",
    }
}

string_enum! {
    /// Card scheme (`scheme`).
    pub enum CardScheme {
        /// Visa.
        Visa = "VISA",
        /// Mastercard.
        Mastercard = "MASTERCARD",
    }
}

string_enum! {
    /// Status of a card token (`status`).
    pub enum CardTokenStatus {
        /// Usable.
        Active = "ACTIVE",
        /// Temporarily unusable.
        Suspended = "SUSPENDED",
        /// Permanently deleted.
        Deleted = "DELETED",
    }
}

string_enum! {
    /// Debit or credit card (`service_type`).
    pub enum ServiceType {
        /// Debit card.
        Debit = "DEBIT",
        /// Credit card.
        Credit = "CREDIT",
    }
}

string_enum! {
    /// State of a refund (`state`); GoPay spells success `SUCCESS` here.
    pub enum RefundState {
        /// Requested: every new refund starts here.
        Requested = "REQUESTED",
        /// Carried out.
        Success = "SUCCESS",
        /// Failed; does not consume the refundable amount.
        Failed = "FAILED",
    }
}
