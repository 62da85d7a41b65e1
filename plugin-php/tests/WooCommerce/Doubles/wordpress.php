<?php
/**
 * WordPress test doubles: the functions and classes the plugin calls, with the signatures and
 * the behaviour the plugin relies on (WordPress 6.1 … 6.8). State lives in World.
 */

declare(strict_types=1);

use Sanalpos\Tests\WooCommerce\Doubles\World;

if ( ! defined( 'ABSPATH' ) ) {
	define( 'ABSPATH', '/tmp/wordpress/' );
}

/** What wp_send_json(), wp_die() and friends end the request with. */
final class WpDie extends \RuntimeException {}

class WP_Error {
	public function __construct( public string $code = '', public string $message = '', public mixed $data = '' ) {}

	public function get_error_message() {
		return $this->message;
	}

	public function get_error_code() {
		return $this->code;
	}
}

function is_wp_error( $thing ) {
	return $thing instanceof WP_Error;
}

/*
 * Hooks.
 */

function add_filter( $hook, $callback, $priority = 10, $accepted_args = 1 ) {
	World::$hooks[ $hook ][ $priority ][] = array( $callback, $accepted_args );
	return true;
}

function add_action( $hook, $callback, $priority = 10, $accepted_args = 1 ) {
	return add_filter( $hook, $callback, $priority, $accepted_args );
}

function has_action( $hook ) {
	return ! empty( World::$hooks[ $hook ] );
}

function apply_filters( $hook, $value, ...$args ) {
	$all = World::$hooks[ $hook ] ?? array();
	ksort( $all );
	foreach ( $all as $callbacks ) {
		foreach ( $callbacks as [ $callback, $accepted ] ) {
			$value = $callback( ...array_slice( array_merge( array( $value ), $args ), 0, max( 1, $accepted ) ) );
		}
	}
	return $value;
}

function do_action( $hook, ...$args ) {
	$all = World::$hooks[ $hook ] ?? array();
	ksort( $all );
	foreach ( $all as $callbacks ) {
		foreach ( $callbacks as [ $callback, $accepted ] ) {
			$callback( ...array_slice( $args, 0, $accepted ) );
		}
	}
}

/** do_action_ref_array as the Store API uses it for the payment context (the result by reference). */
function do_action_ref_array( $hook, array $args ) {
	$all = World::$hooks[ $hook ] ?? array();
	ksort( $all );
	foreach ( $all as $callbacks ) {
		foreach ( $callbacks as [ $callback, $accepted ] ) {
			call_user_func_array( $callback, array_slice( $args, 0, $accepted ) );
		}
	}
}

/*
 * i18n and escaping.
 */

function __( $text, $domain = 'default' ) {
	return World::translate( $text );
}

function esc_html__( $text, $domain = 'default' ) {
	return esc_html( __( $text, $domain ) );
}

function esc_attr__( $text, $domain = 'default' ) {
	return esc_attr( __( $text, $domain ) );
}

function esc_html_e( $text, $domain = 'default' ) {
	echo esc_html__( $text, $domain );
}

function _x( $text, $context, $domain = 'default' ) {
	return __( $text, $domain );
}

function determine_locale() {
	return World::$locale;
}

function get_locale() {
	return World::$locale;
}

function load_plugin_textdomain( $domain, $deprecated = false, $path = false ) {
	return true;
}

function esc_html( $text ) {
	return htmlspecialchars( (string) $text, ENT_QUOTES, 'UTF-8' );
}

function esc_attr( $text ) {
	return htmlspecialchars( (string) $text, ENT_QUOTES, 'UTF-8' );
}

function esc_textarea( $text ) {
	return htmlspecialchars( (string) $text, ENT_QUOTES, 'UTF-8' );
}

function esc_url( $url ) {
	return htmlspecialchars( (string) $url, ENT_QUOTES, 'UTF-8' );
}

function esc_url_raw( $url, $protocols = null ) {
	return preg_match( '#^https?://#', (string) $url ) ? (string) $url : '';
}

function wp_kses_post( $text ) {
	return (string) $text;
}

function wp_strip_all_tags( $text ) {
	return trim( strip_tags( (string) $text ) );
}

function wpautop( $text ) {
	return '<p>' . $text . '</p>';
}

function wptexturize( $text ) {
	return $text;
}

function sanitize_key( $key ) {
	return preg_replace( '/[^a-z0-9_\-]/', '', strtolower( (string) $key ) );
}

function sanitize_text_field( $text ) {
	return trim( strip_tags( (string) $text ) );
}

function absint( $value ) {
	return abs( (int) $value );
}

function wp_unslash( $value ) {
	return is_array( $value ) ? array_map( 'wp_unslash', $value ) : stripslashes( (string) $value );
}

function wp_slash( $value ) {
	return is_array( $value ) ? array_map( 'wp_slash', $value ) : addslashes( (string) $value );
}

function wp_json_encode( $data, $options = 0, $depth = 512 ) {
	return json_encode( $data, $options, $depth );
}

function selected( $selected, $current = true, $echo = true ) {
	return (string) $selected === (string) $current ? ' selected=\'selected\'' : '';
}

function number_format_i18n( $number, $decimals = 0 ) {
	return number_format( (float) $number, $decimals );
}

/*
 * Options (the shared database) and the object cache.
 */

function get_option( $option, $default = false ) {
	$q = World::$db->prepare( 'SELECT value FROM options WHERE name = ?' );
	$q->execute( array( $option ) );
	$value = $q->fetchColumn();
	return false === $value ? $default : unserialize( $value );
}

function add_option( $option, $value = '', $deprecated = '', $autoload = 'yes' ) {
	$q = World::$db->prepare( 'INSERT OR IGNORE INTO options (name, value) VALUES (?, ?)' );
	$q->execute( array( $option, serialize( $value ) ) );
	return 1 === $q->rowCount();
}

function update_option( $option, $value, $autoload = null ) {
	World::$db->prepare( 'INSERT OR REPLACE INTO options (name, value) VALUES (?, ?)' )->execute( array( $option, serialize( $value ) ) );
	return true;
}

function delete_option( $option ) {
	$q = World::$db->prepare( 'DELETE FROM options WHERE name = ?' );
	$q->execute( array( $option ) );
	return $q->rowCount() > 0;
}

function wp_cache_delete( $key, $group = '' ) {
	return true;
}

/** Transients: options with an expiry, as WordPress stores them without an object cache. */
function set_transient( $transient, $value, $expiration = 0 ) {
	return update_option( '_transient_' . $transient, array( $value, 0 === $expiration ? 0 : time() + (int) $expiration ) );
}

function get_transient( $transient ) {
	$stored = get_option( '_transient_' . $transient );
	if ( ! is_array( $stored ) || ( 0 !== $stored[1] && $stored[1] < time() ) ) {
		return false;
	}
	return $stored[0];
}

function delete_transient( $transient ) {
	return delete_option( '_transient_' . $transient );
}

/** $wpdb: the options table in the shared database, and MySQL's GET_LOCK when World says the database has it. */
final class WpdbDouble {
	public string $prefix  = 'wp_';
	public string $options = 'wp_options';
	/** @var array<string, resource> */
	private array $locks = array();

	public function suppress_errors( $suppress = true ) {
		return false;
	}

	public function prepare( $query, ...$args ) {
		return vsprintf( str_replace( array( '%s', '%d' ), array( "'%s'", '%d' ), $query ), $args );
	}

	public function get_var( $query ) {
		if ( 'get_lock' !== World::$dbLocks || ! preg_match( "/GET_LOCK\( '([^']+)', (\d+) \)/", $query, $m ) ) {
			return null; // The SQLite database has no GET_LOCK: the call fails.
		}
		$file = fopen( sys_get_temp_dir() . '/sanalpos-lock-' . bin2hex( World::$path . $m[1] ), 'c' );
		$end  = microtime( true ) + (int) $m[2];
		do {
			if ( flock( $file, LOCK_EX | LOCK_NB ) ) {
				$this->locks[ $m[1] ] = $file;
				return '1';
			}
			usleep( 20000 );
		} while ( microtime( true ) < $end );
		return '0';
	}

	public function query( $query ) {
		if ( preg_match( "/RELEASE_LOCK\( '([^']+)' \)/", $query, $m ) && isset( $this->locks[ $m[1] ] ) ) {
			flock( $this->locks[ $m[1] ], LOCK_UN );
			fclose( $this->locks[ $m[1] ] );
			unset( $this->locks[ $m[1] ] );
		}
		return 1;
	}

	public function delete( $table, $where ) {
		$q = World::$db->prepare( 'DELETE FROM options WHERE name = ? AND value = ?' );
		$q->execute( array( $where['option_name'], serialize( $where['option_value'] ) ) );
		return $q->rowCount();
	}
}

$GLOBALS['wpdb'] = new WpdbDouble();

/*
 * URLs, requests and responses.
 */

function home_url( $path = '' ) {
	return 'https://shop.test' . $path;
}

function admin_url( $path = '' ) {
	return 'https://shop.test/wp-admin/' . $path;
}

function plugins_url( $path = '', $plugin = '' ) {
	return 'https://shop.test/wp-content/plugins/sanalpos-woocommerce/' . ltrim( $path, '/' );
}

function plugin_basename( $file ) {
	return 'sanalpos-woocommerce/' . basename( $file );
}

function add_query_arg( $key, $value, $url ) {
	return $url . ( str_contains( $url, '?' ) ? '&' : '?' ) . rawurlencode( $key ) . '=' . rawurlencode( (string) $value );
}

function status_header( $code ) {
	World::$sent['status'] = (int) $code;
}

function wp_safe_redirect( $location, $status = 302 ) {
	if ( ! str_starts_with( (string) $location, home_url( '/' ) ) ) {
		$location = admin_url();
	}
	return wp_redirect( $location, $status );
}

function wp_redirect( $location, $status = 302, $x_redirect_by = 'WordPress' ) {
	World::$sent['redirect'] = $location;
	World::$sent['status']   = $status;
	return true;
}

function wp_send_json( $response, $status_code = null ) {
	World::$sent['json']   = $response;
	World::$sent['status'] = $status_code ?? 200;
	throw new WpDie( 'json sent' );
}

function wp_send_json_success( $data = null, $status_code = null ) {
	wp_send_json( array( 'success' => true, 'data' => $data ), $status_code );
}

function wp_send_json_error( $data = null, $status_code = null ) {
	wp_send_json( array( 'success' => false, 'data' => $data ), $status_code );
}

function wp_create_nonce( $action = -1 ) {
	return 'nonce-' . $action;
}

function wp_verify_nonce( $nonce, $action = -1 ) {
	return 'nonce-' . $action === $nonce ? 1 : false;
}

function wp_nonce_field( $action = -1, $name = '_wpnonce', $referer = true, $echo = true ) {
	return '<input type="hidden" name="' . esc_attr( $name ) . '" value="' . esc_attr( wp_create_nonce( $action ) ) . '" />';
}

function check_ajax_referer( $action = -1, $query_arg = false, $stop = true ) {
	if ( ! wp_verify_nonce( (string) ( $_REQUEST[ $query_arg ] ?? '' ), $action ) ) {
		World::$sent['status'] = 403;
		throw new WpDie( '-1' );
	}
	return 1;
}

function current_user_can( $capability, ...$args ) {
	return World::$caps[ $capability ] ?? false;
}

/** The HTTP API on the fake bank: answers from World's queue, every request recorded. */
function wp_remote_request( $url, $args = array() ) {
	World::event(
		'http',
		array(
			'method'    => $args['method'] ?? 'GET',
			'url'       => $url,
			'body'      => $args['body'] ?? '',
			'sslverify' => $args['sslverify'] ?? null,
			'timeout'   => $args['timeout'] ?? null,
		)
	);
	$request = array(
		'method' => $args['method'] ?? 'GET',
		'url'    => $url,
		'body'   => $args['body'] ?? '',
	);
	$answer  = null === World::$bankAnswerFor ? World::nextBankAnswer() : ( World::$bankAnswerFor )( $request );
	$answer ??= array( 'error' => 'Operation timed out after 30000 milliseconds' );
	usleep( 1000 * (int) ( $answer['delay_ms'] ?? 0 ) );
	if ( isset( $answer['error'] ) ) {
		return new WP_Error( 'http_request_failed', $answer['error'] );
	}
	return array(
		'headers'  => array( 'content-type' => 'text/xml' ),
		'body'     => $answer['body'],
		'response' => array(
			'code'    => $answer['status'],
			'message' => 'OK',
		),
	);
}

function wp_remote_retrieve_response_code( $response ) {
	return $response['response']['code'] ?? '';
}

function wp_remote_retrieve_headers( $response ) {
	return $response['headers'] ?? array();
}

function wp_remote_retrieve_body( $response ) {
	return $response['body'] ?? '';
}

/*
 * Assets, shortcodes, terms.
 */

function wp_register_script( $handle, $src, $deps = array(), $ver = false, $args = array() ) {
	World::$scripts[ $handle ][] = 'src:' . $src;
	return true;
}

function wp_enqueue_script( $handle, $src = '', $deps = array(), $ver = false, $args = array() ) {
	World::$scripts[ $handle ][] = 'enqueued:' . $src;
}

function wp_add_inline_script( $handle, $data, $position = 'after' ) {
	World::$scripts[ $handle ][] = $data;
	return true;
}

function wp_register_style( $handle, $src, $deps = array(), $ver = false, $media = 'all' ) {
	return true;
}

function wp_enqueue_style( $handle, $src = '', $deps = array(), $ver = false, $media = 'all' ) {
}

function add_shortcode( $tag, $callback ) {
	add_filter( 'shortcode:' . $tag, $callback );
}

function shortcode_atts( $pairs, $atts, $shortcode = '' ) {
	return array_merge( $pairs, array_intersect_key( (array) $atts, $pairs ) );
}

function get_the_ID() {
	return 0;
}

function get_terms( $args = array() ) {
	return World::$terms;
}

/** A product's terms: the category objects World assigns to it. */
function get_the_terms( $post, $taxonomy ) {
	$ids   = World::$productTerms[ (int) $post ] ?? array();
	$terms = array_values( array_filter( World::$terms, static fn( $t ) => in_array( $t->term_id, $ids, true ) ) );
	return array() === $terms ? false : $terms;
}
