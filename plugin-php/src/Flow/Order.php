<?php
/**
 * What the payment flow needs to know about an order, read through the OrderStore port.
 */

declare(strict_types=1);

namespace Sanalpos\Flow;

final class Order {
	/**
	 * @param string                                  $total    Decimal string in the currency's minor digits (`"1025.00"`), commission fee line included.
	 * @param list<array{category: string, price: string}> $cart Lines with their legal installment category (the shop's mapping).
	 * @param list<array{name: string, unit_price: string, quantity?: int, id?: string, category?: string, virtual?: bool}> $lines
	 *        The basket as the core's `order.lines` (providers that show or check it: PayTR, iyzico),
	 *        commission fee line included, so that it adds up to the total; empty when the shop
	 *        cannot give one (the core then sends one line for the total).
	 * @param array<string, string> $buyer More about the shopper for providers that screen the buyer,
	 *        under the core's `customer` names: `id`, `phone`, `address`, `city`, `country`,
	 *        `postal_code`, `identity_number` (each only when known).
	 */
	public function __construct(
		public readonly string $id,
		public readonly string $total,
		public readonly string $currency,
		public readonly bool $paid,
		public readonly bool $cancelled,
		public readonly array $cart = array(),
		public readonly string $customerIp = '',
		public readonly string $email = '',
		public readonly string $name = '',
		public readonly array $lines = array(),
		public readonly array $buyer = array(),
	) {}
}
