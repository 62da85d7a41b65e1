<?php
/**
 * PHPUnit bootstrap: the plugin's autoloader, test helpers under Sanalpos\Tests\ and the paths
 * the engine tests share.
 */

declare(strict_types=1);

require dirname( __DIR__ ) . '/src/autoload.php';

spl_autoload_register(
	static function ( string $class ): void {
		if ( 0 === strncmp( $class, 'Sanalpos\\Tests\\', 15 ) ) {
			$file = __DIR__ . '/' . str_replace( '\\', '/', substr( $class, 15 ) ) . '.php';
			if ( is_file( $file ) ) {
				require $file;
			}
		}
	}
);
