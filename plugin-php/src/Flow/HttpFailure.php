<?php
/**
 * The bank could not be reached, or did not answer in time.
 */

declare(strict_types=1);

namespace Sanalpos\Flow;

final class HttpFailure extends \RuntimeException {}
