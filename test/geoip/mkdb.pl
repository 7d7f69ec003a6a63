#!/usr/bin/perl
# test/geoip/mkdb.pl DIR - build the small deterministic MaxMind DB files
# the GeoIP tests read, with MaxMind::DB::Writer (Debian
# libmaxmind-db-writer-perl), into DIR:
#
#   ipl6.mmdb   ip-location-db shape ({country_code}), IPv6 tree with the
#               IPv4 networks under ::/96, no aliases
#   mm6.mmdb    MaxMind GeoIP2/GeoLite2 Country shape ({country}{iso_code}),
#               IPv6 tree, aliases on (::ffff:0:0/96, 2001::/32, 2002::/16
#               lead to the IPv4 subtree)
#   ipl4.mmdb   ip-location-db shape, IPv4 tree
#   asn.mmdb    an ASN database: neither key (refused)
#   name.mmdb   country_code holds a name, not a code (refused)
#   trunc.mmdb  mm6.mmdb cut in half; random.mmdb 4096 random bytes;
#   flip.mmdb   mm6.mmdb with bytes of its search tree overwritten
#   NAME.nets   for each country database, "CC CIDR" per network put in,
#               and "-- CIDR" for a network whose record has no country
#
# Deterministic: the same networks and records on every run (a fixed
# seed; only the metadata's build_epoch differs), so a failure can be
# reproduced from the .nets files.
use strict;
use warnings;
use MaxMind::DB::Writer::Tree;

my $dir = shift or die "usage: mkdb.pl DIR\n";
-d $dir or mkdir $dir or die "mkdb.pl: $dir: $!\n";

my %types = (
	country_code => 'utf8_string', country => 'map', iso_code => 'utf8_string',
	registered_country => 'map', geoname_id => 'uint32', names => 'map',
	en => 'utf8_string', continent => 'map', code => 'utf8_string',
	autonomous_system_number => 'uint32',
	autonomous_system_organization => 'utf8_string',
);

# a small linear congruential generator: Perl's rand() differs between builds
my $seed = 20261101;
# (the high bits: the low bits of an LCG repeat with a short period)
sub rnd { $seed = ($seed * 1103515245 + 12345) % 2147483648; return ($seed >> 12) % $_[0]; }

my @cc = qw(CN RU US DE FR BR);
my @nets = (
	# edges and neighbours, by hand
	[ 'CN', '0.0.0.0/8' ], [ 'RU', '255.255.255.0/24' ],
	[ 'CN', '201.0.0.0/24' ], [ 'CN', '201.0.1.0/24' ],	# touch: one range
	[ 'RU', '201.0.2.0/24' ], [ 'CN', '201.0.3.7/32' ],
	[ 'US', '202.0.0.0/7' ],				# 202.0.0.0/7 is 202-203
	[ 'CN', '2400:cafe::/32' ], [ 'CN', '2400:caff::/32' ],	# touch too
	[ 'RU', '2401::1/128' ], [ 'DE', 'fe00::/7' ],
	[ '--', '204.0.0.0/16' ], [ '--', '2402::/32' ],	# a record without a country
);
for my $i (1 .. 190) {		# IPv4: one network in each /8 from 1 to 190
	next if $i == 127 || $i == 10;
	my $len = 16 + rnd(9);
	my $b = rnd(256);
	push @nets, [ $cc[rnd(scalar @cc)], "$i.$b.0.0/$len" ];
}
for my $i (0 .. 120) {		# IPv6: one network in each /16 from 0x2410
	my $len = 16 + rnd(49);
	push @nets, [ $cc[rnd(scalar @cc)], sprintf('%x::/%d', 0x2410 + $i, $len) ];
}

sub tree {
	my (%o) = @_;
	return MaxMind::DB::Writer::Tree->new(
		ip_version => $o{ip} // 6, record_size => $o{rs} // 24,
		database_type => $o{type}, languages => ['en'],
		description => { en => "voipfw test database $o{type}" },
		map_key_type_callback => sub { $types{ $_[0] } or die "mkdb.pl: no type for $_[0]\n" },
		alias_ipv6_to_ipv4 => $o{alias} ? 1 : 0,
		remove_reserved_networks => 0,
	);
}

sub record {
	my ($shape, $cc) = @_;
	return { continent => { code => 'EU' } } if $cc eq '--';
	return { country_code => $cc } if $shape eq 'ipl';
	return {
		continent => { code => 'XX' },
		country => { iso_code => $cc, geoname_id => ord($cc) * 256 + ord(substr($cc, 1)),
			     names => { en => "Country $cc" } },
		registered_country => { iso_code => $cc, geoname_id => 1 },
	};
}

sub write_db {
	my ($name, $t) = @_;
	open my $fh, '>:raw', "$dir/$name" or die "mkdb.pl: $dir/$name: $!\n";
	$t->write_tree($fh);
	close $fh or die "mkdb.pl: $dir/$name: $!\n";
}

sub country_db {
	my ($name, $shape, %o) = @_;
	my $t = tree(%o);
	open my $nf, '>', "$dir/$name.nets" or die "mkdb.pl: $dir/$name.nets: $!\n";
	for my $n (@nets) {
		my ($cc, $cidr) = @$n;
		next if ($o{ip} // 6) == 4 && $cidr =~ /:/;
		$t->insert_network($cidr, record($shape, $cc));
		print $nf "$cc $cidr\n";
	}
	close $nf;
	write_db("$name.mmdb", $t);
}

country_db('ipl6', 'ipl', type => 'geo-whois-asn-country');
country_db('mm6', 'mm', type => 'GeoLite2-Country', alias => 1, rs => 28);
country_db('ipl4', 'ipl', type => 'geo-whois-asn-country-ipv4', ip => 4, rs => 32);

my $t = tree(type => 'GeoLite2-ASN');
$t->insert_network('1.0.0.0/8', { autonomous_system_number => 64496,
				  autonomous_system_organization => 'Example' });
write_db('asn.mmdb', $t);
$t = tree(type => 'geo-whois-asn-country');
$t->insert_network('1.0.0.0/8', { country_code => 'China' });
write_db('name.mmdb', $t);

open my $in, '<:raw', "$dir/mm6.mmdb" or die;
local $/;
my $db = <$in>;
close $in;
open my $out, '>:raw', "$dir/trunc.mmdb" or die;
print $out substr($db, 0, int(length($db) / 2));
close $out;
open $out, '>:raw', "$dir/random.mmdb" or die;
print $out pack('C*', map { rnd(256) } 1 .. 4096);
close $out;
# the search tree comes first: overwrite bytes inside it, keep the metadata
for my $i (0 .. 63) {
	substr($db, 7 * $i + rnd(7), 1) = chr(rnd(256));
}
open $out, '>:raw', "$dir/flip.mmdb" or die;
print $out $db;
close $out;
