<?php
/**
 * What the shopper reads when a payment does not go through: the core's own text when it has
 * one (already in the shopper's language), otherwise a translated sentence for the reason code.
 * Only known codes are turned into text; nothing from a request is ever echoed.
 */

declare(strict_types=1);

namespace Sanalpos\WooCommerce;

use Sanalpos\Flow\PaymentException;

final class Messages {
	public static function forException( PaymentException $e ): string {
		$text = $e->shopperText();
		// The core's text speaks to the shopper about the card or the bank; about the request or the
		// shop's setup it speaks to developers.
		if ( null !== $text && '' !== $text && ! preg_match( '/^(flow|engine|request|config)\./', $e->reason() ) ) {
			return $text;
		}
		return self::forReason( $e->reason() );
	}

	/** The shopper's text for a reason code (flow, verdict or core error code). */
	public static function forReason( string $reason ): string {
		switch ( $reason ) {
			case 'callback.3ds_failed':
				return __( 'Your bank could not verify the payment with 3D Secure. Please try again or use another card.', 'sanalpos-woocommerce' );
			case 'callback.3ds_attempt':
				return __( 'Your card does not support full 3D Secure verification. Please use another card.', 'sanalpos-woocommerce' );
			case 'bank.declined':
				return __( 'Your bank declined the payment. Please check your card details or use another card.', 'sanalpos-woocommerce' );
			case 'bank.error':
			case 'flow.bank_unreachable':
				return __( 'The bank could not process the payment right now. Please try again in a few minutes.', 'sanalpos-woocommerce' );
			case 'flow.installments_unavailable':
				return __( 'The chosen number of installments is not available for this card and cart. Please choose another option.', 'sanalpos-woocommerce' );
			case 'flow.already_paid':
				return __( 'This order has already been paid.', 'sanalpos-woocommerce' );
			case 'flow.busy':
				return __( 'This order is being processed. Please wait a moment and check your order.', 'sanalpos-woocommerce' );
			case 'flow.total_mismatch':
				return __( 'The order total changed while paying. Please review your order and try again.', 'sanalpos-woocommerce' );
			case 'sanalpos.card_missing':
				return __( 'Please enter your card number.', 'sanalpos-woocommerce' );
			case 'request.missing_field':
				// A provider that screens the buyer (PayTR, iyzico) requires the billing details.
				return __( 'Please complete your billing details (address, city and phone number): the payment provider requires them.', 'sanalpos-woocommerce' );
			case 'sanalpos.unavailable':
			case 'config.account_missing':
			case 'config.card_again':
				return __( 'Card payments are not available at the moment. Please choose another payment method.', 'sanalpos-woocommerce' );
			default:
				if ( str_starts_with( $reason, 'callback.' ) ) {
					return __( 'The payment could not be confirmed. Please try again, or contact us if your card was charged.', 'sanalpos-woocommerce' );
				}
				if ( str_starts_with( $reason, 'card.' ) ) {
					return __( 'Please check your card details.', 'sanalpos-woocommerce' );
				}
				return __( 'The payment could not be completed. Please try again or choose another payment method.', 'sanalpos-woocommerce' );
		}
	}

	/** What the shop owner reads when a refund is refused (the bank's own words when it gave some). */
	public static function refundText( PaymentException $e ): string {
		$bank = (string) $e->shopperText();
		switch ( $e->reason() ) {
			case 'flow.not_paid':
			case 'flow.no_attempt':
				return __( 'This order was not paid through sanalpos, so it cannot be refunded here.', 'sanalpos-woocommerce' );
			case 'flow.refund_refused':
				/* translators: %s: the bank's message */
				return sprintf( __( 'The bank refused the refund: %s', 'sanalpos-woocommerce' ), $bank );
			case 'flow.bank_unreachable':
				return __( 'The bank did not answer. Nothing was refunded; try again later.', 'sanalpos-woocommerce' );
			case 'flow.busy':
				return __( 'The order is being processed by another request; try again in a moment.', 'sanalpos-woocommerce' );
			default:
				/* translators: %s: error code */
				return sprintf( __( 'The refund failed (%s).', 'sanalpos-woocommerce' ), $e->reason() . ( '' === $bank ? '' : ': ' . $bank ) );
		}
	}
}
