// Types of the `sanalpos` package: the core's JSON command API (core/API.md in the repository) for
// JavaScript callers. One section per op, in the order of core/API.md; an op that is not in the core
// yet has a generic request and result until its section is written here.

// ─── Envelope and conventions ────────────────────────────────────────────────────────────────────

/** Language of `message` texts. */
export type Lang = 'en' | 'tr';

/** Fields every request may carry. `null` counts as absent everywhere. */
export interface RequestBase {
  /** Language of error and problem messages; default `"en"`. */
  lang?: Lang | null;
  /**
   * Hex string, 32–128 characters, for ops that need randomness. When it is absent or null this
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

/** A JSON object whose fields this file does not describe yet. */
export type JsonObject = { [field: string]: unknown };

/** An op whose section of this file is not written yet: any fields in, a JSON object out. */
export type GenericRequest = RequestBase & JsonObject;

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
  'installments.quote': [GenericRequest, JsonObject];
  'installments.table': [GenericRequest, JsonObject];
  'gateways.list': [GenericRequest, JsonObject];
  'payment.prepare': [GenericRequest, JsonObject];
  'callback.verify': [GenericRequest, JsonObject];
  'api.request': [GenericRequest, JsonObject];
  'api.parse': [GenericRequest, JsonObject];
  'signature.compute': [GenericRequest, JsonObject];
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

// ─── installments.quote (not in the core yet) ────────────────────────────────────────────────────

/** Installment options for an amount, currency and card/family under a rate plan. */
export declare const quoteInstallments: Shortcut<'installments.quote'>;

// ─── installments.table (not in the core yet) ────────────────────────────────────────────────────

/** The family × count matrix for a product-page installment table. */
export declare const installmentTable: Shortcut<'installments.table'>;

// ─── gateways.list (not in the core yet) ─────────────────────────────────────────────────────────

/** Gateway ids, models, endpoints (test/live), credential fields with labels. */
export declare const listGateways: Shortcut<'gateways.list'>;

// ─── payment.prepare (not in the core yet) ───────────────────────────────────────────────────────

/** The signed 3D form (or signed API request for non-3D) for an order. */
export declare const preparePayment: Shortcut<'payment.prepare'>;

// ─── callback.verify (not in the core yet) ───────────────────────────────────────────────────────

/** Authenticate and interpret a bank callback (raw POST map) against the expected order. */
export declare const verifyCallback: Shortcut<'callback.verify'>;

// ─── api.request / api.parse (not in the core yet) ───────────────────────────────────────────────

/** Build a signed server-to-server request (pay, preauth, capture, refund, cancel, status). */
export declare const apiRequest: Shortcut<'api.request'>;

/** Parse a bank's answer to a server-to-server request. */
export declare const apiParse: Shortcut<'api.parse'>;

// ─── signature.compute (not in the core yet) ─────────────────────────────────────────────────────

/** Compute any gateway hash/MAC from given fields: the "hash mismatch" debugger. */
export declare const computeSignature: Shortcut<'signature.compute'>;
