<?xml version="1.0" encoding="UTF-8"?>
<!--
  Schleswig-Holstein adapter: Wohnsitzanmeldung OZGBus-Meldewesen 2.0 -> 1.0 (message type 0200 -> 0200).

  Input : meld:meldewesen.anmeldung.0200 in urn:xoev-de:ozgbus:meldewesen:2.0
  Output: meld:meldewesen.anmeldung.0200 in urn:xoev-de:ozgbus:meldewesen:1.0 (standard
          OZGBus-Meldewesen, version 1.0)

  Header nachrichtenkopf.g2g: copied unchanged; the 1.0 baukasten restricts it as 2.0 does.
  Root attributes: produkt, produkthersteller, produktversion, test copied; standard/version set
  for 1.0; anything else (e.g. xsi:schemaLocation) is dropped. ds:Signature is dropped: the broker
  signs the translated document itself.

  Mapping:
    einzugstag                -> einzugsdatum
    meldepflichtigePerson     -> person (content unchanged)
    anschrift (bdt:AnschriftInlandType) -> anschrift (1.0):
      bdt:strasse + bdt:hausnummer + bdt:hausnummerZusatz -> strasseUndHausnummer, joined as
        "<strasse> <hausnummer><zusatz>": the zusatz follows the number directly when it is a
        single letter or starts with "-" or "/" ("45a", "3-5", "120/1"), else after a blank
        ("12 Hinterhaus"), as addresses are usually written;
      bdt:postleitzahl, bdt:ort -> postleitzahl, ort
    neueWohnung/wohnungsangabe -> neueWohnung/anschrift/wohnungsangabe
    wohnungsstatus, code list version 2 -> version 1: 1->H, 2->H, 3->N
      A name element is written only when the input had one, with the version 1 wording.

  Lost in this down-translation (1.0 has no place for it):
    - wohnungsgeber (name, address, date of the Wohnungsgeberbestätigung): the Meldebehörde must
      ask for the confirmation itself (§ 19 BMG);
    - bdt:ortsteil of every address;
    - the difference between alleinige Wohnung (1) and Hauptwohnung (2): both are H; whether the
      previous dwelling is kept still shows in bisherigeWohnung/wirdBeibehalten.

  Refuses (xsl:message terminate="yes"): a root other than meldewesen.anmeldung.0200 of 2.0; a
  wohnungsstatus code outside code list version 2 (cannot happen after schema validation).
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:in="urn:xoev-de:ozgbus:meldewesen:2.0"
    xmlns:meld="urn:xoev-de:ozgbus:meldewesen:1.0"
    xmlns:bdt="urn:xoev-de:ozgbus:basisdatentypen:1.0"
    xmlns:ds="http://www.w3.org/2000/09/xmldsig#"
    exclude-result-prefixes="in ds">

  <xsl:output method="xml" encoding="UTF-8" indent="yes"/>
  <xsl:strip-space elements="*"/>

  <xsl:template match="/">
    <xsl:choose>
      <xsl:when test="in:meldewesen.anmeldung.0200">
        <xsl:apply-templates select="in:meldewesen.anmeldung.0200"/>
      </xsl:when>
      <xsl:otherwise>
        <xsl:message terminate="yes">meldewesen-2.0-to-1.0: root element {<xsl:value-of select="namespace-uri(*)"/>}<xsl:value-of select="local-name(*)"/> is not meldewesen.anmeldung.0200 of urn:xoev-de:ozgbus:meldewesen:2.0</xsl:message>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="in:meldewesen.anmeldung.0200">
    <meld:meldewesen.anmeldung.0200 version="1.0" standard="OZGBus-Meldewesen">
      <xsl:copy-of select="@produkt | @produkthersteller | @produktversion | @test"/>
      <xsl:apply-templates select="nachrichtenkopf.g2g" mode="kopf"/>
      <xsl:apply-templates select="in:anmeldung"/>
    </meld:meldewesen.anmeldung.0200>
  </xsl:template>

  <!-- Header: unqualified elements, copied one by one: libxslt's xsl:copy brings only an
       element's own namespace declarations along (copy-of would bring every one in scope, the
       input's prefix too), and costs far less than xsl:element with a computed name. -->
  <xsl:template match="*" mode="kopf">
    <xsl:copy>
      <xsl:copy-of select="@*"/>
      <xsl:apply-templates mode="kopf"/>
    </xsl:copy>
  </xsl:template>

  <xsl:template match="in:anmeldung">
    <meld:anmeldung>
      <meld:einzugsdatum><xsl:value-of select="normalize-space(in:einzugstag)"/></meld:einzugsdatum>
      <xsl:apply-templates select="in:neueWohnung"/>
      <xsl:apply-templates select="in:bisherigeWohnung"/>
      <xsl:for-each select="in:meldepflichtigePerson">
        <meld:person>
          <xsl:apply-templates select="*" mode="kopie"/>
        </meld:person>
      </xsl:for-each>
    </meld:anmeldung>
  </xsl:template>

  <xsl:template match="in:neueWohnung">
    <meld:neueWohnung>
      <xsl:apply-templates select="in:anschrift">
        <xsl:with-param name="wohnungsangabe" select="in:wohnungsangabe"/>
      </xsl:apply-templates>
      <meld:gemeindeschluessel><xsl:value-of select="normalize-space(in:gemeindeschluessel)"/></meld:gemeindeschluessel>
      <xsl:apply-templates select="in:wohnungsstatus"/>
    </meld:neueWohnung>
  </xsl:template>

  <xsl:template match="in:bisherigeWohnung">
    <meld:bisherigeWohnung>
      <xsl:apply-templates select="in:anschrift"/>
      <xsl:if test="in:gemeindeschluessel">
        <meld:gemeindeschluessel><xsl:value-of select="normalize-space(in:gemeindeschluessel)"/></meld:gemeindeschluessel>
      </xsl:if>
      <meld:wirdBeibehalten><xsl:value-of select="normalize-space(in:wirdBeibehalten)"/></meld:wirdBeibehalten>
    </meld:bisherigeWohnung>
  </xsl:template>

  <!-- bdt:AnschriftInlandType -> 1.0 anschrift -->
  <xsl:template match="in:anschrift">
    <xsl:param name="wohnungsangabe" select="/.."/>
    <xsl:variable name="nummer" select="normalize-space(bdt:hausnummer)"/>
    <xsl:variable name="zusatz" select="normalize-space(bdt:hausnummerZusatz)"/>
    <xsl:variable name="trenner">
      <xsl:if test="$zusatz != '' and not(string-length($zusatz) = 1 and translate($zusatz,
                    'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz', '') = '')
                    and not(starts-with($zusatz, '-') or starts-with($zusatz, '/'))">
        <xsl:text> </xsl:text>
      </xsl:if>
    </xsl:variable>
    <meld:anschrift>
      <meld:strasseUndHausnummer>
        <xsl:value-of select="concat(normalize-space(bdt:strasse), ' ', $nummer, $trenner, $zusatz)"/>
      </meld:strasseUndHausnummer>
      <meld:postleitzahl><xsl:value-of select="normalize-space(bdt:postleitzahl)"/></meld:postleitzahl>
      <meld:ort><xsl:value-of select="normalize-space(bdt:ort)"/></meld:ort>
      <xsl:if test="$wohnungsangabe">
        <meld:wohnungsangabe><xsl:value-of select="normalize-space($wohnungsangabe)"/></meld:wohnungsangabe>
      </xsl:if>
    </meld:anschrift>
  </xsl:template>

  <!-- wohnungsstatus: code list version 2 -> version 1 -->
  <xsl:template match="in:wohnungsstatus">
    <xsl:variable name="alt" select="normalize-space(code)"/>
    <xsl:variable name="neu">
      <xsl:choose>
        <xsl:when test="$alt = '1' or $alt = '2'">H</xsl:when>
        <xsl:when test="$alt = '3'">N</xsl:when>
      </xsl:choose>
    </xsl:variable>
    <xsl:if test="$neu = ''">
      <xsl:message terminate="yes">meldewesen-2.0-to-1.0: wohnungsstatus code '<xsl:value-of select="$alt"/>' is not in code list wohnungsstatus version 2</xsl:message>
    </xsl:if>
    <meld:wohnungsstatus listURI="urn:xoev-de:ozgbus:codeliste:wohnungsstatus" listVersionID="1">
      <code><xsl:value-of select="$neu"/></code>
      <xsl:if test="name">
        <name>
          <xsl:choose>
            <xsl:when test="$neu = 'H'">Hauptwohnung</xsl:when>
            <xsl:otherwise>Nebenwohnung</xsl:otherwise>
          </xsl:choose>
        </name>
      </xsl:if>
    </meld:wohnungsstatus>
  </xsl:template>

  <!-- Copy with the 2.0 namespace replaced by 1.0; bdt and unqualified elements keep theirs. -->
  <xsl:template match="in:*" mode="kopie">
    <xsl:element name="meld:{local-name()}">
      <xsl:copy-of select="@*"/>
      <xsl:apply-templates mode="kopie"/>
    </xsl:element>
  </xsl:template>
  <xsl:template match="bdt:*" mode="kopie">
    <xsl:copy>
      <xsl:copy-of select="@*"/>
      <xsl:apply-templates mode="kopie"/>
    </xsl:copy>
  </xsl:template>
  <!-- Unqualified elements are copied, foreign ones are not: tested here rather than with a
       predicate in a match pattern, which libxslt evaluates for every element of the mode. -->
  <xsl:template match="*" mode="kopie" priority="-1">
    <xsl:if test="namespace-uri() = ''">
      <xsl:copy>
        <xsl:copy-of select="@*"/>
        <xsl:apply-templates mode="kopie"/>
      </xsl:copy>
    </xsl:if>
  </xsl:template>

  <!-- Never copied: signatures, comments, processing instructions. -->
  <xsl:template match="ds:Signature" mode="kopie"/>
  <xsl:template match="comment() | processing-instruction()" mode="kopf"/>
  <xsl:template match="comment() | processing-instruction()" mode="kopie"/>
</xsl:stylesheet>
