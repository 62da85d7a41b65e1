// Types of the `sanalpos` package: the core's JSON command API (core/API.md in the repository) for
// JavaScript callers. One section per op; a new op adds its section here, its entry to `Ops` and its
// shortcut to api.mjs.

// ─── Envelope and conventions ────────────────────────────────────────────────────────────────────

/** Language of `message` texts. */
export type Lang = 'en' | 'tr';

/** Fields every request may carry. `null` counts as absent everywhere. */
export interface RequestBase {
  /** Language of error and problem messages; default `"en"`. */
  lang?: Lang | null;
  /**
   * Hex string, 32–256 characters, for ops that need randomness. When it is absent or null this
   * package fills in 128 random hex characters (Web Crypto) before the core sees the request.
   */
  nonce?: string | null;
}

/** An error as the core reports it, in an error answer or a `problems` list. */
export interface ErrorInfo {
  /** Stable, dotted code (`"card.luhn"`); every code is listed in core/API.md. */
  code: string;
  /** Human-readable text in the request's `lang`; never parse it. */
  message: string;
  /** Dotted path of the input to blame (`"card.number"`), when one is. */
  field?: string;
}

/** The core's answer envelope, as `handle` returns it in JSON text. */
export type Answer<Result> = { ok: true; result: Result } | { ok: false; error: ErrorInfo };

/** A JSON object whose fields are not described here (opaque or free-form). */
export type JsonObject = { [field: string]: unknown };

/** An error answer of the core, thrown by `call` and by every shortcut. */
export declare class SanalposError extends Error {
  constructor(error: ErrorInfo);
  readonly name: 'SanalposError';
  /** Stable, dotted code (`"card.luhn"`). */
  readonly code: string;
  /** Dotted path of the input to blame, or null. */
  readonly field: string | null;
}

/**
 * Runs one JSON request and returns the core's JSON answer (an {@link Answer}), byte for byte as
 * every other host gets it. A request object without `nonce` gets a random one first.
 */
export declare function handle(request: string): string;

/** Request and result types by op name. */
export interface Ops {
  'version': [VersionRequest, VersionResult];
  'card.inspect': [InspectCardRequest, InspectCardResult];
  'installments.quote': [QuoteInstallmentsRequest, QuoteInstallmentsResult];
  'installments.table': [InstallmentTableRequest, InstallmentTableResult];
  'gateways.list': [ListGatewaysRequest, ListGatewaysResult];
  'payment.prepare': [PreparePaymentRequest, Step];
  'callback.verify': [VerifyCallbackRequest, VerifyCallbackResult];
  'api.request': [ApiRequestRequest, ApiRequestResult];
  'api.parse': [ApiParseRequest, ApiParseResult];
  'signature.compute': [ComputeSignatureRequest, ComputeSignatureResult];
}

/** Runs one request object and returns its `result`; throws the error answer as {@link SanalposError}. */
export declare function call<Op extends keyof Ops>(request: Ops[Op][0] & { op: Op }): Ops[Op][1];
export declare function call(request: { op: string } & JsonObject): unknown;

/** A shortcut: the request without `op`, in; the result, out. `op` names the op it runs. */
export type Shortcut<Op extends keyof Ops> = ((request: Ops[Op][0]) => Ops[Op][1]) & { readonly op: Op };

// ─── version ─────────────────────────────────────────────────────────────────────────────────────

export type VersionRequest = RequestBase;

export interface VersionResult {
  /** Core (and package) version, e.g. `"0.1.0"`. */
  core: string;
  /** Version of the JSON contract. */
  api: number;
  /** Every op this core answers. */
  ops: string[];
  /** Supported currency alpha codes. */
  currencies: string[];
  /** Gateway (family) ids. */
  gateways: string[];
  /** Payment model ids. */
  models: Model[];
  /** The built-in BIN table: `source` (`"banks-db@0.12.0"`), `license`, number of `rows`. */
  bin_table: { source: string; license: string; rows: number };
}

/** What this core is and what it supports. */
export declare const version: ((request?: VersionRequest) => VersionResult) & { readonly op: 'version' };

// ─── card.inspect ────────────────────────────────────────────────────────────────────────────────

export type CardType = 'credit' | 'debit' | 'prepaid' | 'unknown';

export type BrandId = 'visa' | 'mastercard' | 'amex' | 'troy' | 'discover' | 'diners' | 'jcb' | 'unionpay' | 'maestro';

export interface CardInput {
  /** Up to 64 characters: digits, spaces and dashes. */
  number: string;
  /** `MM/YY` or `MM/YYYY`; or give `expiry_month` and `expiry_year` instead. */
  expiry?: string | null;
  /** `1`–`12`. */
  expiry_month?: string | null;
  /** `YY` or `YYYY`. */
  expiry_year?: string | null;
  /** Security code. */
  cvv?: string | null;
}

/** Facts from the shop's own BIN list; every field given wins over the built-in table. */
export interface IssuerOverride {
  /** 4-digit EFT bank code, e.g. `"0062"`. */
  bank_code?: string | null;
  bank_name?: string | null;
  /** Any card family id or alias (core/API.md, Card families). */
  family?: string | null;
  card_type?: CardType | null;
  commercial?: boolean | null;
  /** ISO 3166 alpha-2. */
  country?: string | null;
}

export interface InspectCardRequest extends RequestBase {
  card: CardInput;
  /** `YYYY-MM-DD`, the shop's date (Turkish time); required when an expiry is given. */
  today?: string | null;
  issuer?: IssuerOverride | null;
  /** `true`: throw the first problem instead of reporting it. */
  strict?: boolean | null;
}

export interface CardNumberInfo {
  length: number;
  /** A whole, valid number. */
  complete: boolean;
  luhn: boolean;
  /** First 6 + `*` + last 4. */
  masked: string;
  /** First 6 digits; null when fewer were typed. */
  bin: string | null;
  /** Null under 12 digits. */
  last4: string | null;
}

export interface CardBrand {
  id: BrandId;
  name: string;
  lengths: number[];
  cvv_length: number;
  cvv_name: string;
  /** Display grouping: positions of the spaces. */
  gaps: number[];
  luhn_required: boolean;
}

export interface CardIssuer {
  source: 'override' | 'builtin' | 'unknown';
  /** The built-in prefix that matched. */
  bin: string | null;
  bank_code: string | null;
  bank_name: string | null;
  /** Canonical family id, e.g. `"bonus"`. */
  family: string | null;
  family_name: string | null;
  /** For sub-brands such as `wings` → `axess`. */
  family_parent: string | null;
  card_type: CardType;
  commercial: boolean | null;
  country: string | null;
}

export interface InspectCardResult {
  /** No problems in what was given. */
  valid: boolean;
  /** In the order number, expiry, cvv. */
  problems: ErrorInfo[];
  /** Null when the text has invalid characters. */
  number: CardNumberInfo | null;
  /** The scheme, once only one is possible. */
  brand: CardBrand | null;
  /** Schemes still possible for the digits typed so far. */
  brand_candidates: BrandId[];
  issuer: CardIssuer;
  /** Null when no expiry was given; month and year are null when it could not be read. */
  expiry: { month: number | null; year: number | null; valid: boolean } | null;
  /** Null when no security code was given. */
  cvv: { valid: boolean } | null;
}

/** Normalise and check a (possibly half-typed) card: brand, issuer, family. Never echoes the number. */
export declare const inspectCard: Shortcut<'card.inspect'>;

// ─── installments.quote ──────────────────────────────────────────────────────────────────────────

export type PricingMode = 'absorb' | 'markup' | 'grossup';

/** One rate plan of the shop: for a card family, or `"default"` for every other card. */
export interface RatePlan {
  /** A family id or alias, or `"default"`. */
  family: string;
  mode: PricingMode;
  /** The shop's id for the virtual POS these cards go to; echoed in `plan.pos`. */
  pos?: string | null;
  min_installment_amount?: string | null;
  /** A count that is not listed is not offered, count 1 included. */
  rates: {
    /** 1–18. */
    count: number;
    /** Decimal percent, e.g. `"2.49"`. */
    rate: string;
    enabled?: boolean | null;
    plus_installments?: number | null;
    deferral_months?: number | null;
    /** The shop's campaign label. */
    campaign?: string | null;
  }[];
}

/** A cart line: a category id of core/API.md and the item's own price. */
export interface CartLine {
  category: string;
  price?: string | null;
}

/** Replacements for legal values whose sources are uncertain. */
export interface LimitOverrides {
  personal_max?: number | null;
  commercial_max?: number | null;
  categories?: { [category: string]: { max: number; above?: string; max_above?: number } } | null;
}

/** Fields `installments.quote` and `installments.table` share. */
export interface InstallmentPricingRequest extends RequestBase {
  /** The cart total, e.g. `"1000.00"`. */
  amount: string;
  currency?: string | null;
  /** `YYYY-MM-DD`: picks the legal limits in force. */
  today: string;
  plans: RatePlan[];
  cart?: CartLine[] | null;
  limits?: LimitOverrides | null;
}

export interface QuoteInstallmentsRequest extends InstallmentPricingRequest {
  /** The PAN or at least its first 6 digits; only the BIN is used, never echoed. */
  card?: { number: string } | null;
  issuer?: IssuerOverride | null;
  /** Shorthand for `issuer.family`. */
  family?: string | null;
}

export type CardClass = 'personal_credit' | 'commercial_credit' | 'debit' | 'prepaid' | 'foreign';

/** An English and a Turkish text. */
export interface Texts {
  en: string;
  tr: string;
}

export interface InstallmentOption {
  /** 1–18; 1 is single payment (peşin). */
  count: number;
  rate: string;
  /** What the customer pays and the bank is sent. */
  total: string;
  total_minor: number;
  /** Every installment but the first. */
  per_installment: string;
  per_installment_minor: number;
  /** `per_installment` plus the remainder. */
  first_installment: string;
  first_installment_minor: number;
  commission: string;
  commission_minor: number;
  /** Absorb only. */
  merchant_net: string | null;
  merchant_net_minor: number | null;
  labels: Texts;
  campaign: { plus_installments: number; deferral_months: number; name: string | null; labels: Texts | null } | null;
}

/** A count that is not offered, and the reason code (its text is in `reasons`). */
export interface RemovedCount {
  count: number;
  reason: string;
}

export interface PlanUsed {
  family: string;
  pos: string | null;
  mode: PricingMode;
}

export interface QuoteInstallmentsResult {
  amount: string;
  amount_minor: number;
  currency: string;
  issuer: CardIssuer;
  card_class: CardClass;
  /** Facts assumed for `card_class`: `country`, `card_type`, `commercial`. */
  assumed: string[];
  plan: PlanUsed | null;
  max_count: number;
  /** The offered counts, ascending. */
  options: InstallmentOption[];
  removed: RemovedCount[];
  reasons: { [code: string]: Texts };
}

/** Installment options for an amount, currency and card under the shop's rate plans and the law. */
export declare const quoteInstallments: Shortcut<'installments.quote'>;

// ─── installments.table ──────────────────────────────────────────────────────────────────────────

export interface InstallmentTableRequest extends InstallmentPricingRequest {
  /** The rows: family ids or aliases, or `"default"`; default: one row per plan. */
  families?: string[] | null;
  /** The table for commercial cards. */
  commercial?: boolean | null;
}

export interface InstallmentTableResult {
  amount: string;
  amount_minor: number;
  currency: string;
  card_class: 'personal_credit' | 'commercial_credit';
  max_count: number;
  /** The table's columns: every count offered in some row, ascending. */
  counts: number[];
  rows: {
    family: string;
    name: Texts;
    plan: PlanUsed | null;
    options: InstallmentOption[];
    removed: RemovedCount[];
  }[];
  reasons: { [code: string]: Texts };
}

/** The family × count matrix for a product-page installment table. */
export declare const installmentTable: Shortcut<'installments.table'>;

// ─── Bank gateways: shared types ─────────────────────────────────────────────────────────────────

/** How the 3D (or non-3D) payment runs; see core/API.md, Bank gateways. */
export type Model = '3d' | '3d_pay' | '3d_host' | '3d_pay_hosting' | 'regular';

/** Where the card is typed: at the bank, added by the browser, or sent through the server. */
export type CardEntry = 'bank_page' | 'browser' | 'server';

export type Operation = 'provision' | 'sale' | 'preauth' | 'capture' | 'refund' | 'cancel' | 'status';

/** The merchant account every bank op carries. */
export interface AccountFields extends RequestBase {
  /** A bank preset id (`"isbank"`) or a family id (`"nestpay"`). */
  gateway: string;
  /** Picks the endpoints; no default, so live is never reached by accident. */
  environment: 'test' | 'live';
  /** The family's credential fields (see `listGateways`); an unknown key is an error. */
  credentials: { [id: string]: string | null };
  /** Endpoint id → URL, overriding the preset (https, or http to 127.0.0.1/localhost). */
  endpoints?: { [id: string]: string } | null;
  /** ISO-8601 with an offset, for protocols that sign a time. */
  now?: string | null;
}

export interface OrderInput {
  /** Letters, digits, `-`, `_`; fresh per attempt. */
  id: string;
  /** Decimal string in the currency's major unit: `"1250.50"`. */
  amount: string;
  /** ISO 4217 alpha or numeric; default `TRY`. */
  currency?: string | null;
  /** 1–18; default 1 (single payment). */
  installments?: number | null;
  tx_type?: 'sale' | 'preauth' | null;
  /** The basket, for providers that show or check it (PayTR, iyzico); up to 100 lines. */
  lines?: OrderLine[] | null;
}

export interface OrderLine {
  name: string;
  /** Decimal string in the order's currency. */
  unit_price: string;
  /** 1–10000; default 1. */
  quantity?: number | null;
  id?: string | null;
  category?: string | null;
  /** A service or a download rather than goods to ship. */
  virtual?: boolean | null;
}

/** A card for the server-side models; checked strictly, never echoed. */
export interface PaymentCard extends CardInput {
  cvv: string;
  holder?: string | null;
}

export interface Customer {
  ip?: string | null;
  email?: string | null;
  name?: string | null;
  /** For the providers that screen the buyer (PayTR, iyzico); each family says what it requires. */
  id?: string | null;
  phone?: string | null;
  address?: string | null;
  city?: string | null;
  country?: string | null;
  postal_code?: string | null;
  /** Turkish national id (TCKN). */
  identity_number?: string | null;
}

export interface NameValue {
  name: string;
  value: string;
}

/** Render `fields` in order as hidden inputs of an auto-submitting form. */
export interface FormStep {
  type: 'form';
  form: {
    action: string;
    method: string;
    fields: NameValue[];
    /** Names whose values hold card data or secrets: never log them. */
    sensitive: string[];
    card_entry: CardEntry;
    /** For `card_entry` `browser`: the names under which the browser adds the card. */
    card_fields: {
      number: string;
      /** Each expiry field with its layout: `[["Expiry", "MMYY"]]`, `[["…Month", "MM"], ["…Year", "YY"]]`. */
      expiry: [name: string, layout: string][];
      cvv: string;
      holder: string | null;
      /** A field naming the scheme, with the bank's code per brand id; a brand not listed leaves it out. */
      brand: [name: string, codes: [brand: BrandId, code: string][]] | null;
      /**
       * A field naming the card's program, with the provider's code per card family id (PayTR
       * `card_type` for installments): the code of `issuer.family`, else of `issuer.family_parent`;
       * a family not listed, or none, leaves it out. Null when the payment needs none.
       */
      program: [name: string, codes: [family: string, code: string][]] | null;
    } | null;
  };
}

/** Send exactly the bytes of `body_base64` with these headers, then pass the answer to `apiParse`. */
export interface HttpCall {
  method: string;
  url: string;
  headers: NameValue[];
  body_base64: string;
  /** The body with card data and secrets masked: log this, never the body. */
  log_body: string;
  /** Hand it back unchanged to `apiParse`. */
  context: JsonObject;
}

export interface HttpStep {
  type: 'http';
  http: HttpCall;
}

/** Send the shopper's browser to `url`; with `embed`, show it in an iframe on the shop's page (PayTR). */
export interface RedirectStep {
  type: 'redirect';
  redirect: { url: string; embed: boolean };
}

/** Serve `html` unchanged as the shopper's whole page (a bank's 3D page, ParamPos). */
export interface HtmlStep {
  type: 'html';
  html: string;
}

/** What the host does next. */
export type Step = FormStep | HttpStep | RedirectStep | HtmlStep;

export interface BankStatus {
  /** The bank's result code (`ProcReturnCode`, …). */
  code: string;
  message: string;
  md_status: string | null;
  error_code: string;
}

export type Outcome = 'approved' | 'declined' | '3ds_failed' | '3ds_attempt' | 'needs_provision' | 'needs_status' | 'redirect' | 'error';

/** Bank references to keep with the order: `order_id`, `auth_code`, `host_ref`, `transaction_id`, … */
export type References = { [name: string]: string };

// ─── gateways.list ───────────────────────────────────────────────────────────────────────────────

export type ListGatewaysRequest = RequestBase;

export interface Endpoint {
  id: string;
  /** `""` when unknown. */
  test: string;
  live: string;
}

export interface GatewayInfo {
  id: string;
  name: string;
  /** `card_again`: the provision after 3D Secure needs the card again (PayFlex MPI `3d`). */
  models: { id: Model; card_entry: CardEntry; card_again?: true }[];
  operations: Operation[];
  credentials: {
    id: string;
    /** In the request's `lang`. */
    label: string;
    label_en: string;
    label_tr: string;
    secret: boolean;
    required: boolean;
    /** Non-empty: a select whose first entry is the default. */
    choices: string[];
  }[];
  endpoints: Endpoint[];
  presets: { id: string; name: string; note: string; endpoints: Endpoint[] }[];
  signature_kinds: { id: string; inputs: string; formula: string }[];
  max_order_id: number;
}

export interface ListGatewaysResult {
  gateways: GatewayInfo[];
}

/** Families, bank presets, models, credentials, endpoints, signature kinds. */
export declare const listGateways: ((request?: ListGatewaysRequest) => ListGatewaysResult) & { readonly op: 'gateways.list' };

// ─── payment.prepare ─────────────────────────────────────────────────────────────────────────────

export interface PreparePaymentRequest extends AccountFields {
  model: Model;
  order: OrderInput;
  /** When the model's `card_entry` is `server`. */
  card?: PaymentCard | null;
  /** `YYYY-MM-DD`: also rejects an expired card. */
  today?: string | null;
  /** For 3D models: where the bank sends the shopper back. */
  urls?: { ok: string; fail: string } | null;
  customer?: Customer | null;
}

/** The signed 3D form, or the signed request of a non-3D sale. */
export declare const preparePayment: Shortcut<'payment.prepare'>;

// ─── callback.verify ─────────────────────────────────────────────────────────────────────────────

export interface VerifyCallbackRequest extends AccountFields {
  /** The model the payment was prepared with, from the shop's records. */
  model: Model;
  /** The callback's fields, original key case, values unmodified; or give `post_body`. */
  post?: { [name: string]: string } | null;
  /** The raw `application/x-www-form-urlencoded` body, byte-exact. */
  post_body?: string | null;
  expected: {
    order_id: string;
    amount: string;
    currency?: string | null;
    installments?: number | null;
    tx_type?: 'sale' | 'preauth' | null;
  };
  options?: { accept_half_secure?: boolean | null } | null;
  customer?: Customer | null;
}

export interface VerifyCallbackResult {
  /** True only when the signature was verified. */
  authentic: boolean;
  signature: 'verified' | 'missing' | 'mismatch' | 'not_signed';
  /** Mark the order paid only on `approved`. */
  outcome: Outcome;
  /** Why, when not approved. */
  reason: ErrorInfo | null;
  bank: BankStatus;
  references: References;
  masked_pan: string | null;
  /** For `needs_provision`: the provision request. */
  next: Step | null;
  /** The exact body to answer the provider's request with (PayTR: `OK`); null when none. */
  reply: string | null;
}

/** Authenticate and interpret a bank callback against the expected order. */
export declare const verifyCallback: Shortcut<'callback.verify'>;

// ─── api.request ─────────────────────────────────────────────────────────────────────────────────

export interface ApiRequestRequest extends AccountFields {
  /** `installments`: the provider's installment options for `bin` and `order.amount` (iyzico). */
  operation: Operation | 'installments';
  /** For `installments`: the card's first 6–8 digits. */
  bin?: string | null;
  /** For `capture` and `refund`, the amount to capture or refund. */
  order: OrderInput;
  /** For `sale` and `preauth`. */
  card?: PaymentCard | null;
  /** For `provision`: the verified 3D callback. */
  post?: { [name: string]: string } | null;
  post_body?: string | null;
  /** Per family, e.g. `host_ref`. */
  references?: References | null;
  customer?: Customer | null;
}

export interface ApiRequestResult {
  http: HttpCall;
}

/** A signed server-to-server request: provision, sale, pre-auth, capture, refund, cancel, status. */
export declare const apiRequest: Shortcut<'api.request'>;

// ─── api.parse ───────────────────────────────────────────────────────────────────────────────────

export interface ApiParseRequest extends AccountFields {
  /** The `context` of the request, unchanged. */
  context: JsonObject;
  response: {
    status: number;
    headers?: { [name: string]: string } | null;
    /** The answer as text; or its exact bytes as `body_base64`. */
    body?: string | null;
    body_base64?: string | null;
  };
}

export interface ApiParseResult {
  outcome: Outcome;
  bank: BankStatus;
  references: References;
  /** Status queries only. Amounts are decimal strings. */
  order_status: {
    state: 'paid' | 'pending' | 'cancelled' | 'refunded' | 'partially_refunded' | 'declined' | 'unknown';
    amount: string | null;
    captured: string | null;
    refunded: string | null;
  } | null;
  next: Step | null;
}

/** The bank's answer to a request or step, normalised. */
export declare const apiParse: Shortcut<'api.parse'>;

// ─── signature.compute ───────────────────────────────────────────────────────────────────────────

export interface ComputeSignatureRequest extends RequestBase {
  /** A kind from `listGateways()` (`"nestpay_v3"`), or `"plain_digest"`. */
  kind: string;
  /** The kind's inputs; field maps take strings, numbers and null as PHP string-casts them. */
  inputs: JsonObject;
}

export interface ComputeSignatureResult {
  kind: string;
  /** Null for `plain_digest`. */
  gateway: string | null;
  /** The signature. */
  value: string;
  /** The exact text that was hashed, with the secret replaced by `***`. */
  input_masked: string;
}

/** Any hash/MAC a family uses, from raw inputs: the "hash mismatch" debugger. */
export declare const computeSignature: Shortcut<'signature.compute'>;
