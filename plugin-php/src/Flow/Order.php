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
	) {}
}
