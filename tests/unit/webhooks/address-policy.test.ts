import { addressProblem } from '../../../src/webhooks/address-policy';
import { parseWebhookUrl } from '../../../src/webhooks/webhook-url';

describe('Which addresses may receive webhooks', () => {
  test.each([
    ['127.0.0.1', 'a loopback address'],
    ['127.255.0.9', 'a loopback address'],
    ['::1', 'a loopback address'],
    ['::ffff:127.0.0.1', 'a loopback address'],
    ['10.0.0.1', 'a private address'],
    ['172.16.4.2', 'a private address'],
    ['192.168.1.1', 'a private address'],
    ['fd12:3456::1', 'a private address'],
    ['169.254.169.254', 'a link-local address'],
    ['fe80::1', 'a link-local address'],
    ['224.0.0.251', 'a multicast address'],
    ['ff02::1', 'a multicast address'],
    ['0.0.0.0', 'an unspecified address'],
    ['::', 'an unspecified address'],
    ['255.255.255.255', 'a broadcast address'],
    ['100.64.0.1', 'a shared (carrier-grade NAT) address'],
    ['192.0.2.10', 'a reserved address (reserved)'],
    ['2002:7f00:1::1', 'a reserved address (6to4)'],
  ])('when the address is %s, then it is refused as %s', (address, kind) => {
    expect(addressProblem(address)).toBe(`${address} is ${kind}`);
  });

  test.each(['93.184.215.14', '8.8.8.8', '2606:4700:4700::1111', '::ffff:8.8.8.8'])('when the address is public (%s), then it may receive webhooks', (address) => {
    expect(addressProblem(address)).toBeNull();
  });

  test('when the text is not an address, then it says so', () => {
    expect(addressProblem('hooks.example.org')).toBe('hooks.example.org is not an IP address');
  });
});

describe('Webhook URLs before any lookup', () => {
  test.each([
    ['https://0x7f.1/', '127.0.0.1 is a loopback address'],
    ['https://2130706433/', '127.0.0.1 is a loopback address'],
    ['https://[0:0:0:0:0:0:0:1]/', '::1 is a loopback address'],
    ['https://[::ffff:7f00:1]/', '::ffff:7f00:1 is a loopback address'],
  ])('when the host is a disguised address (%s), then the URL parser normalises it and it is refused', (url, problem) => {
    expect(parseWebhookUrl(url, false)).toEqual({ ok: false, problem, address: true });
  });

  test.each(['ftp://hooks.example.org/', 'file:///etc/passwd', 'http://hooks.example.org/', 'javascript:alert(1)'])('when the scheme is not https (%s), then it is refused', (url) => {
    expect(parseWebhookUrl(url, false)).toMatchObject({ ok: false, problem: expect.stringContaining('must start with https://') });
  });

  test('when private addresses are allowed, then http:// and loopback pass, but other schemes still do not', () => {
    expect(parseWebhookUrl('http://127.0.0.1:8080/hooks', true)).toMatchObject({ ok: true, literalAddress: '127.0.0.1' });
    expect(parseWebhookUrl('ftp://127.0.0.1/', true)).toMatchObject({ ok: false, problem: 'the URL must start with https:// or http://' });
  });

  test('when the URL is very long, then it is refused', () => {
    expect(parseWebhookUrl(`https://hooks.example.org/${'a'.repeat(2000)}`, false)).toMatchObject({ ok: false, problem: 'the URL is longer than 2000 characters' });
  });

  test('when the host is a name, then it passes here and is checked when it resolves', () => {
    expect(parseWebhookUrl('https://hooks.example.org/frontdesk', false)).toMatchObject({ ok: true, literalAddress: null });
  });
});
