<?xml version="1.0" encoding="UTF-8"?>
<!--
  Meldewesen adapter: Wohnsitzanmeldung OZGBus-Meldewesen 1.0 -> 2.0 (message type 0200 -> 0200).
  Used by the Hamburg and the Bayern adapter: adapters/hamburg/ and adapters/bayern/ hold identical
  copies (each adapter folder is self-contained). Change both together.

  Input : meld:meldewesen.anmeldung.0200 in urn:xoev-de:ozgbus:meldewesen:1.0
  Output: meld:meldewesen.anmeldung.0200 in urn:xoev-de:ozgbus:meldewesen:2.0 (standard
          OZGBus-Meldewesen, version 2.0)

  Header nachrichtenkopf.g2g: copied unchanged; the 2.0 baukasten restricts it as 1.0 does.
  Root attributes: produkt, produkthersteller, produktversion, test copied; standard/version set
  for 2.0; anything else (e.g. xsi:schemaLocation) is dropped. ds:Signature is dropped: the broker
  signs the translated document itself.

  Mapping:
    einzugsdatum             -> einzugstag
    person (1..n)            -> meldepflichtigePerson (content unchanged)
    anschrift/strasseUndHausnummer
                             -> bdt:strasse + bdt:hausnummer (+ bdt:hausnummerZusatz), split at the
                                house number: the last word if it starts with a digit, else the
                                last two words if the second-to-last starts with a digit ("Am
                                Anger 7 b"); " - " and " / " count as "-" and "/" ("Am Markt 3 - 5"
                                -> 3 + "-5"). The leading digits are the hausnummer, the rest the
                                zusatz. Examples: "Holtenauer Straße 112" -> Holtenauer Straße | 112;
                                "Fleischhauerstraße 45a" -> Fleischhauerstraße | 45 | a.
    anschrift/postleitzahl, ort -> bdt:postleitzahl, bdt:ort (no ortsteil: 1.0 has none)
    neueWohnung/anschrift/wohnungsangabe -> neueWohnung/wohnungsangabe
    wohnungsstatus, code list version 1 -> version 2:
      H -> 2 (Hauptwohnung) when bisherigeWohnung/wirdBeibehalten is true (the person keeps
             another dwelling), else 1 (alleinige Wohnung): 1.0 knows no other dwellings;
      N -> 3 (Nebenwohnung).
      A name element is written only when the input had one, with the version 2 wording.
    wohnungsgeber (new, mandatory; 1.0 portals do not collect the Wohnungsgeberbestätigung):
      a recognisable placeholder the Meldebehörde follows up on (§ 19 BMG lets it ask for the
      confirmation): name = parameter wohnungsgeber_platzhalter, anschrift = the new dwelling
      (the one the confirmation is about), bestaetigungsdatum = einzugsdatum.

  Lost: bisherigeWohnung/anschrift/wohnungsangabe (2.0 has no place for it).

  Parameters (xsl:param, set in adapter.toml):
    wohnungsgeber_platzhalter  text written as wohnungsgeber/name (1-255 characters). Empty:
                               refuse 1.0 messages instead of sending a placeholder.

  Refuses (xsl:message terminate="yes"): a strasseUndHausnummer that does not split into a
  street and a hausnummer [1-9][0-9]{0,3} with an optional zusatz of at most 10 characters
  [A-Za-z0-9 /-] (e.g. "Am Sandtorkai" without a number): 2.0 needs both, and guessing would
  put a wrong address into the register; an empty wohnungsgeber_platzhalter; a root other than
  meldewesen.anmeldung.0200 of 1.0; a wohnungsstatus code outside version 1.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:in="urn:xoev-de:ozgbus:meldewesen:1.0"
    xmlns:meld="urn:xoev-de:ozgbus:meldewesen:2.0"
    xmlns:bdt="urn:xoev-de:ozgbus:basisdatentypen:1.0"
    xmlns:ds="http://www.w3.org/2000/09/xmldsig#"
    exclude-result-prefixes="in ds">

  <xsl:output method="xml" encoding="UTF-8" indent="yes"/>
  <xsl:strip-space elements="*"/>

  <xsl:param name="wohnungsgeber_platzhalter"
             select="'Wohnungsgeberbestätigung nicht übermittelt (Anmeldung nach OZGBus-Meldewesen 1.0)'"/>

  <xsl:variable name="ziffern" select="'0123456789'"/>
  <xsl:variable name="zusatz-zeichen"
                select="'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 /-'"/>

  <xsl:template match="/">
    <xsl:choose>
      <xsl:when test="in:meldewesen.anmeldung.0200">
        <xsl:apply-templates select="in:meldewesen.anmeldung.0200"/>
      </xsl:when>
      <xsl:otherwise>
        <xsl:message terminate="yes">meldewesen-1.0-to-2.0: root element {<xsl:value-of select="namespace-uri(*)"/>}<xsl:value-of select="local-name(*)"/> is not meldewesen.anmeldung.0200 of urn:xoev-de:ozgbus:meldewesen:1.0</xsl:message>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="in:meldewesen.anmeldung.0200">
    <xsl:if test="normalize-space($wohnungsgeber_platzhalter) = ''">
      <xsl:message terminate="yes">meldewesen-1.0-to-2.0: OZGBus-Meldewesen 1.0 carries no wohnungsgeber, which 2.0 requires, and this adapter is configured to refuse such messages (wohnungsgeber_platzhalter is empty)</xsl:message>
    </xsl:if>
    <meld:meldewesen.anmeldung.0200 version="2.0" standard="OZGBus-Meldewesen">
      <xsl:copy-of select="@produkt | @produkthersteller | @produktversion | @test"/>
      <xsl:apply-templates select="nachrichtenkopf.g2g" mode="kopf"/>
      <xsl:apply-templates select="in:anmeldung"/>
    </meld:meldewesen.anmeldung.0200>
  </xsl:template>

  <!-- Header: unqualified elements, copied one by one: libxslt's xsl:copy brings only an
       element's own namespace declarations along, copy-of every one in scope (the 1.0 prefix). -->
  <xsl:template match="*" mode="kopf">
    <xsl:copy>
      <xsl:copy-of select="@*"/>
      <xsl:apply-templates mode="kopf"/>
    </xsl:copy>
  </xsl:template>

  <xsl:template match="in:anmeldung">
    <!-- Translated once, written twice: the new dwelling is also the Wohnungsgeber's address. -->
    <xsl:variable name="neue-anschrift">
      <xsl:apply-templates select="in:neueWohnung/in:anschrift">
        <xsl:with-param name="wo" select="'neueWohnung'"/>
      </xsl:apply-templates>
    </xsl:variable>
    <meld:anmeldung>
      <meld:einzugstag><xsl:value-of select="normalize-space(in:einzugsdatum)"/></meld:einzugstag>
      <xsl:apply-templates select="in:neueWohnung">
        <xsl:with-param name="anschrift" select="$neue-anschrift"/>
      </xsl:apply-templates>
      <xsl:apply-templates select="in:bisherigeWohnung"/>
      <meld:wohnungsgeber>
        <meld:name><xsl:value-of select="normalize-space($wohnungsgeber_platzhalter)"/></meld:name>
        <xsl:copy-of select="$neue-anschrift"/>
        <meld:bestaetigungsdatum><xsl:value-of select="normalize-space(in:einzugsdatum)"/></meld:bestaetigungsdatum>
      </meld:wohnungsgeber>
      <!-- PersonType is the same in both versions; its leaves are simple types (the input was
           validated against 1.0), so text is all they carry. Written element by element: a
           computed element name per node cost a third of the translation. -->
      <xsl:for-each select="in:person">
        <meld:meldepflichtigePerson>
          <meld:name>
            <xsl:for-each select="in:name/*"><xsl:copy><xsl:value-of select="."/></xsl:copy></xsl:for-each>
          </meld:name>
          <meld:geburtsdatum><xsl:value-of select="in:geburtsdatum"/></meld:geburtsdatum>
          <meld:geburtsort><xsl:value-of select="in:geburtsort"/></meld:geburtsort>
          <xsl:for-each select="in:geschlecht">
            <meld:geschlecht><xsl:call-template name="code-inhalt"/></meld:geschlecht>
          </xsl:for-each>
          <xsl:for-each select="in:staatsangehoerigkeit">
            <meld:staatsangehoerigkeit><xsl:call-template name="code-inhalt"/></meld:staatsangehoerigkeit>
          </xsl:for-each>
          <xsl:for-each select="in:familienstand">
            <meld:familienstand><xsl:call-template name="code-inhalt"/></meld:familienstand>
          </xsl:for-each>
        </meld:meldepflichtigePerson>
      </xsl:for-each>
    </meld:anmeldung>
  </xsl:template>

  <xsl:template match="in:neueWohnung">
    <xsl:param name="anschrift"/>
    <meld:neueWohnung>
      <xsl:copy-of select="$anschrift"/>
      <xsl:if test="in:anschrift/in:wohnungsangabe">
        <meld:wohnungsangabe><xsl:value-of select="normalize-space(in:anschrift/in:wohnungsangabe)"/></meld:wohnungsangabe>
      </xsl:if>
      <meld:gemeindeschluessel><xsl:value-of select="normalize-space(in:gemeindeschluessel)"/></meld:gemeindeschluessel>
      <xsl:apply-templates select="in:wohnungsstatus"/>
    </meld:neueWohnung>
  </xsl:template>

  <xsl:template match="in:bisherigeWohnung">
    <meld:bisherigeWohnung>
      <xsl:apply-templates select="in:anschrift">
        <xsl:with-param name="wo" select="'bisherigeWohnung'"/>
      </xsl:apply-templates>
      <xsl:if test="in:gemeindeschluessel">
        <meld:gemeindeschluessel><xsl:value-of select="normalize-space(in:gemeindeschluessel)"/></meld:gemeindeschluessel>
      </xsl:if>
      <meld:wirdBeibehalten><xsl:value-of select="normalize-space(in:wirdBeibehalten)"/></meld:wirdBeibehalten>
    </meld:bisherigeWohnung>
  </xsl:template>

  <!-- wohnungsstatus: code list version 1 -> version 2 -->
  <xsl:template match="in:wohnungsstatus">
    <xsl:variable name="alt" select="normalize-space(code)"/>
    <xsl:variable name="beibehalten" select="normalize-space(../../in:bisherigeWohnung/in:wirdBeibehalten)"/>
    <!-- H -> 1, N -> 3 (translate); H -> 2 (the second character) when the person keeps the
         previous dwelling (wirdBeibehalten true or 1). -->
    <xsl:variable name="neu"
                  select="substring(concat(translate($alt, 'HN', '13'), '2'),
                                    1 + ($alt = 'H' and ($beibehalten = 'true' or $beibehalten = '1')), 1)"/>
    <xsl:if test="not($alt = 'H' or $alt = 'N')">
      <xsl:message terminate="yes">meldewesen-1.0-to-2.0: wohnungsstatus code '<xsl:value-of select="$alt"/>' is not in code list wohnungsstatus version 1</xsl:message>
    </xsl:if>
    <meld:wohnungsstatus listURI="urn:xoev-de:ozgbus:codeliste:wohnungsstatus" listVersionID="2">
      <code><xsl:value-of select="$neu"/></code>
      <xsl:if test="name">
        <name>
          <xsl:choose>
            <xsl:when test="$neu = '1'">alleinige Wohnung</xsl:when>
            <xsl:when test="$neu = '2'">Hauptwohnung</xsl:when>
            <xsl:otherwise>Nebenwohnung</xsl:otherwise>
          </xsl:choose>
        </name>
      </xsl:if>
    </meld:wohnungsstatus>
  </xsl:template>

  <!-- 1.0 anschrift -> bdt:AnschriftInlandType -->
  <xsl:template match="in:anschrift">
    <xsl:param name="wo"/>
    <xsl:variable name="text" select="normalize-space(in:strasseUndHausnummer)"/>
    <xsl:variable name="vor-ziffer" select="substring-before(translate($text, $ziffern, '##########'), '#')"/>
    <xsl:variable name="ab-ziffer" select="substring($text, string-length($vor-ziffer) + 1)"/>
    <meld:anschrift>
      <xsl:choose>
        <xsl:when test="contains($text, ' - ') or contains($text, ' / ')">
          <xsl:call-template name="strasse-und-hausnummer-schliessen">
            <xsl:with-param name="text" select="$text"/>
            <xsl:with-param name="wo" select="$wo"/>
          </xsl:call-template>
        </xsl:when>
        <!-- Most addresses: the first digit starts the last word ("Holtenauer Straße 112",
             "Fleischhauerstraße 45a"); that word is the number part, what precedes it the street.
             The same split as the general one below, found without recursion. -->
        <xsl:when test="substring($vor-ziffer, string-length($vor-ziffer)) = ' ' and not(contains($ab-ziffer, ' '))
                        and contains($ziffern, substring($ab-ziffer, 1, 1))">
          <xsl:call-template name="hausnummer-schreiben">
            <xsl:with-param name="strasse" select="normalize-space($vor-ziffer)"/>
            <xsl:with-param name="nummernteil" select="$ab-ziffer"/>
            <xsl:with-param name="original" select="$text"/>
            <xsl:with-param name="wo" select="$wo"/>
          </xsl:call-template>
        </xsl:when>
        <xsl:otherwise>
          <xsl:call-template name="strasse-und-hausnummer-teilen">
            <xsl:with-param name="t" select="$text"/>
            <xsl:with-param name="wo" select="$wo"/>
          </xsl:call-template>
        </xsl:otherwise>
      </xsl:choose>
      <bdt:postleitzahl><xsl:value-of select="normalize-space(in:postleitzahl)"/></bdt:postleitzahl>
      <bdt:ort><xsl:value-of select="normalize-space(in:ort)"/></bdt:ort>
    </meld:anschrift>
  </xsl:template>

  <!-- " - " and " / " closed up to "-" and "/" (rare: only then a result tree fragment is made),
       then split as any other. -->
  <xsl:template name="strasse-und-hausnummer-schliessen">
    <xsl:param name="text"/>
    <xsl:param name="wo"/>
    <xsl:call-template name="strasse-und-hausnummer-teilen">
      <xsl:with-param name="t">
        <xsl:call-template name="ersetze">
          <xsl:with-param name="alt" select="' / '"/>
          <xsl:with-param name="neu" select="'/'"/>
          <xsl:with-param name="s">
            <xsl:call-template name="ersetze">
              <xsl:with-param name="s" select="$text"/>
              <xsl:with-param name="alt" select="' - '"/>
              <xsl:with-param name="neu" select="'-'"/>
            </xsl:call-template>
          </xsl:with-param>
        </xsl:call-template>
      </xsl:with-param>
      <xsl:with-param name="wo" select="$wo"/>
      <xsl:with-param name="original" select="$text"/>
    </xsl:call-template>
  </xsl:template>

  <!-- Narrows s to the last two words of t; their number part is the last word if it starts with
       a digit, else both if the first of them does. Conditionals are written with XPath 1.0's
       substring($x, 1, 1000 * boolean) idiom, not as xsl:variable with content: each such
       variable is a result tree fragment, a document of its own, and those were most of this
       stylesheet's cost. -->
  <xsl:template name="strasse-und-hausnummer-teilen">
    <xsl:param name="t"/>
    <xsl:param name="wo"/>
    <xsl:param name="original" select="$t"/>
    <xsl:param name="s" select="$t"/>
    <xsl:variable name="rest" select="substring-after($s, ' ')"/>
    <xsl:choose>
      <xsl:when test="contains($rest, ' ')">
        <xsl:call-template name="strasse-und-hausnummer-teilen">
          <xsl:with-param name="t" select="$t"/>
          <xsl:with-param name="wo" select="$wo"/>
          <xsl:with-param name="original" select="$original"/>
          <xsl:with-param name="s" select="$rest"/>
        </xsl:call-template>
      </xsl:when>
      <xsl:otherwise>
        <xsl:variable name="letztes-ist-nummer" select="$rest != '' and contains($ziffern, substring($rest, 1, 1))"/>
        <xsl:variable name="nummernteil"
                      select="concat(substring($rest, 1, 1000 * $letztes-ist-nummer),
                                     substring($s, 1, 1000 * (not($letztes-ist-nummer) and contains($ziffern, substring($s, 1, 1)))))"/>
        <xsl:call-template name="hausnummer-schreiben">
          <xsl:with-param name="strasse"
                          select="normalize-space(substring($t, 1, string-length($t) - string-length($nummernteil)))"/>
          <xsl:with-param name="nummernteil" select="$nummernteil"/>
          <xsl:with-param name="original" select="$original"/>
          <xsl:with-param name="wo" select="$wo"/>
        </xsl:call-template>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- Writes bdt:strasse, bdt:hausnummer (the leading digits of the number part) and, if any,
       bdt:hausnummerZusatz (the rest); refuses what the 2.0 address cannot hold. -->
  <xsl:template name="hausnummer-schreiben">
    <xsl:param name="strasse"/>
    <xsl:param name="nummernteil"/>
    <xsl:param name="original"/>
    <xsl:param name="wo"/>
    <!-- Everything before the first non-digit; the '#' appended ends the search when there is none. -->
    <xsl:variable name="nummer"
                  select="substring-before(concat($nummernteil, '#'),
                                           substring(concat(translate($nummernteil, $ziffern, ''), '#'), 1, 1))"/>
    <xsl:variable name="zusatz" select="normalize-space(substring($nummernteil, string-length($nummer) + 1))"/>
    <xsl:if test="$strasse = '' or string-length($nummer) &lt; 1
                  or string-length($nummer) &gt; 4 or starts-with($nummer, '0')
                  or string-length($zusatz) &gt; 10 or translate($zusatz, $zusatz-zeichen, '') != ''">
      <xsl:message terminate="yes">meldewesen-1.0-to-2.0: strasseUndHausnummer "<xsl:value-of select="$original"/>" (<xsl:value-of select="$wo"/>) does not split into strasse and hausnummer ([1-9][0-9]{0,3}, optional zusatz of at most 10 characters), which the 2.0 address requires</xsl:message>
    </xsl:if>
    <bdt:strasse><xsl:value-of select="$strasse"/></bdt:strasse>
    <bdt:hausnummer><xsl:value-of select="$nummer"/></bdt:hausnummer>
    <xsl:if test="$zusatz != ''">
      <bdt:hausnummerZusatz><xsl:value-of select="$zusatz"/></bdt:hausnummerZusatz>
    </xsl:if>
  </xsl:template>

  <xsl:template name="ersetze">
    <xsl:param name="s"/>
    <xsl:param name="alt"/>
    <xsl:param name="neu"/>
    <xsl:choose>
      <xsl:when test="contains($s, $alt)">
        <xsl:value-of select="concat(substring-before($s, $alt), $neu)"/>
        <xsl:call-template name="ersetze">
          <xsl:with-param name="s" select="substring-after($s, $alt)"/>
          <xsl:with-param name="alt" select="$alt"/>
          <xsl:with-param name="neu" select="$neu"/>
        </xsl:call-template>
      </xsl:when>
      <xsl:otherwise><xsl:value-of select="$s"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- A code-list value (listURI, listVersionID; code and name, unqualified). -->
  <xsl:template name="code-inhalt">
    <xsl:copy-of select="@*"/>
    <xsl:for-each select="*"><xsl:copy><xsl:value-of select="."/></xsl:copy></xsl:for-each>
  </xsl:template>

  <!-- Never copied: comments, processing instructions. -->
  <xsl:template match="comment() | processing-instruction()" mode="kopf"/>
</xsl:stylesheet>
