/**
 * The SOAP 1.1 WSDL of the OTA endpoint, generated from the handler table so it always covers every
 * message the hub answers. Payload elements are declared open (lax xs:any) in the OTA namespace: their
 * content is the OpenTravel 2015B schema, which we validate on our side, and keeping the WSDL free of the
 * 300-file schema set lets any SOAP toolkit load it in milliseconds.
 */
import { rsNameFor } from './envelope';
import { OTA_NS, esc } from './xml';

export const SOAP_TNS = 'urn:maqam:ota:soap';

export function buildWsdl(messages: readonly string[], location: string): string {
  const rq = [...messages];
  const elements = [...new Set([...rq, ...rq.map(rsNameFor)])];
  const parts: string[] = [];
  parts.push(`<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://schemas.xmlsoap.org/wsdl/" xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:ota="${OTA_NS}" xmlns:tns="${SOAP_TNS}" targetNamespace="${SOAP_TNS}" name="MaqamOTA">
  <documentation>Maqam gateway OpenTravel 2015B messages over SOAP 1.1 (document/literal). Authenticate with a WS-Security UsernameToken (PasswordText), HTTP Basic, or POS/Source/RequestorID@MessagePassword.</documentation>
  <types>
    <xs:schema targetNamespace="${OTA_NS}" elementFormDefault="qualified">
      <xs:complexType name="OTA_Payload">
        <xs:sequence><xs:any namespace="##any" processContents="lax" minOccurs="0" maxOccurs="unbounded"/></xs:sequence>
        <xs:anyAttribute processContents="lax"/>
      </xs:complexType>
${elements.map((e) => `      <xs:element name="${e}" type="ota:OTA_Payload"/>`).join('\n')}
    </xs:schema>
  </types>`);
  for (const e of elements) parts.push(`  <message name="${e}"><part name="body" element="ota:${e}"/></message>`);
  parts.push('  <portType name="OTAPortType">');
  for (const m of rq) parts.push(`    <operation name="${m}"><input message="tns:${m}"/><output message="tns:${rsNameFor(m)}"/></operation>`);
  parts.push('  </portType>');
  parts.push('  <binding name="OTABinding" type="tns:OTAPortType">\n    <soap:binding style="document" transport="http://schemas.xmlsoap.org/soap/http"/>');
  for (const m of rq) parts.push(`    <operation name="${m}"><soap:operation soapAction="${m}"/><input><soap:body use="literal"/></input><output><soap:body use="literal"/></output></operation>`);
  parts.push('  </binding>');
  parts.push(`  <service name="OTAService"><port name="OTAPort" binding="tns:OTABinding"><soap:address location="${esc(location)}"/></port></service>\n</definitions>\n`);
  return parts.join('\n');
}
