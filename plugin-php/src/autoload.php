<?php
/**
 * Class loader for the plugin's own classes (no Composer at runtime): Sanalpos\Foo\Bar → src/Foo/Bar.php.
 */

declare(strict_types=1);

spl_autoload_register(static function (string $class): void {
	if (strncmp($class, 'Sanalpos\\', 9) !== 0) {
		return;
	}
	$file = __DIR__ . '/' . str_replace('\\', '/', substr($class, 9)) . '.php';
	if (is_file($file)) {
		require $file;
	}
});
